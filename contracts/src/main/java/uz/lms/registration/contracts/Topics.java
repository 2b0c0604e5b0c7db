package uz.lms.registration.contracts;

/**
 * The topics the services exchange records on. Keys are always the {@code telegram_id} as a
 * decimal string, so that one user's records stay in order.
 */
public final class Topics {

    /** {@link RegisterUser} commands: gateway and telegram → verification (request/reply). */
    public static final String REGISTRATION_REQUESTS = "registration.requests";

    /** {@link VerifyCode} commands: gateway and telegram → verification (request/reply). */
    public static final String VERIFICATION_REQUESTS = "verification.requests";

    /** {@link DeliverCode}: verification → telegram. The only topic that carries issued codes. */
    public static final String VERIFICATION_CODES = "verification.codes";

    /** {@link UserEvent}s: verification → anyone. Never a code. */
    public static final String USER_EVENTS = "user.events";

    /** {@link DeliveryEvent}s: telegram → anyone. Never a code. */
    public static final String CODE_DELIVERIES = "code.deliveries";

    /** Suffix of the dead-letter topic of every consumed topic. */
    public static final String DEAD_LETTER_SUFFIX = "-dlt";

    private Topics() {
    }

    public static String deadLetter(String topic) {
        return topic + DEAD_LETTER_SUFFIX;
    }

    public static String key(long telegramId) {
        return Long.toString(telegramId);
    }
}
