package uz.lms.registration.verification.users;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A user's row as the code logic sees it from one channel: the per-channel counters are that
 * channel's. {@code verificationCode} is the stored hash, never a code.
 *
 * @param failedAttempts  wrong checks of the current code made through this channel
 * @param codesInWindow   codes asked for through this channel in its quota window
 * @param apiFailuresInRow failed HTTP checks in a row, across codes
 */
record UserState(
        long telegramId,
        String phoneNumber,
        @Nullable String attestedPhoneNumber,
        @Nullable String verificationCode,
        @Nullable Instant expiresAt,
        boolean isVerified,
        int failedAttempts,
        int codesInWindow,
        @Nullable Instant windowStartedAt,
        @Nullable Instant lastCodeAt,
        int apiFailuresInRow,
        @Nullable Instant apiLastFailureAt) {

    /** Whether {@code phoneNumber} is this user's number and the one Telegram attested for the account. */
    boolean hasAttested(String phoneNumber) {
        return phoneNumber.equals(this.phoneNumber) && phoneNumber.equals(attestedPhoneNumber);
    }
}
