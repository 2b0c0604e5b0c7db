package uz.lms.registration.verification.users;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A user's row as the code logic sees it, both channels' counters included: one command may change what the
 * next command of the same user, through either channel, sees. {@code verificationCode} is the stored hash,
 * never a code.
 *
 * @param language         the language the user reads the bot in
 * @param apiFailuresInRow failed HTTP checks in a row, across codes
 */
record UserState(
        long telegramId,
        String phoneNumber,
        @Nullable String attestedPhoneNumber,
        @Nullable String verificationCode,
        @Nullable Instant expiresAt,
        boolean isVerified,
        String language,
        Counters chat,
        Counters api,
        int apiFailuresInRow,
        @Nullable Instant apiLastFailureAt) {

    /** Whether {@code phoneNumber} is this user's number and the one Telegram attested for the account. */
    boolean hasAttested(String phoneNumber) {
        return phoneNumber.equals(this.phoneNumber) && phoneNumber.equals(attestedPhoneNumber);
    }

    Counters counters(Channel channel) {
        return switch (channel) {
            case CHAT -> chat;
            case API -> api;
        };
    }

    /**
     * One channel's counters.
     *
     * @param failedAttempts wrong checks of the current code made through this channel
     * @param codesInWindow  codes asked for through this channel in its quota window
     */
    record Counters(
            int failedAttempts,
            int codesInWindow,
            @Nullable Instant windowStartedAt,
            @Nullable Instant lastCodeAt) {}
}
