package uz.lms.registration.benchmark;

/**
 * The users the benchmark works with, seeded straight into the {@code users} table as if each had shared
 * their contact with the bot: user {@code n} has {@code telegram_id} {@link #FIRST_TELEGRAM_ID} + n and the
 * Uzbek mobile number +998 90 followed by n in seven digits. The first {@link #VERIFYING} are the ones
 * {@code /verify} is tried on; every {@code /register} takes a fresh one after them, so that no cooldown
 * or quota answers instead of a code.
 */
public final class BenchmarkUsers {

    public static final long FIRST_TELEGRAM_ID = 7_000_000_000L;
    public static final int VERIFYING = 10_000;
    /** Room for about 15 minutes of registrations at 1,000 a second. */
    public static final int SEEDED = 1_000_000;

    private BenchmarkUsers() {}

    public static long telegramId(long n) {
        return FIRST_TELEGRAM_ID + n;
    }

    public static String phoneNumber(long n) {
        return "+99890%07d".formatted(n);
    }

    public static String registerBody(long n) {
        return "{\"telegram_id\":%d,\"phone_number\":\"%s\"}".formatted(telegramId(n), phoneNumber(n));
    }
}
