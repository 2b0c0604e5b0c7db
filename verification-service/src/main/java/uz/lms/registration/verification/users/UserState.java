package uz.lms.registration.verification.users;

import java.time.Instant;

/** A user's row as the code logic sees it. {@code verificationCode} is the stored hash, never a code. */
record UserState(
        long telegramId,
        String phoneNumber,
        String verificationCode,
        Instant expiresAt,
        boolean isVerified,
        int failedAttempts,
        int codesInWindow,
        Instant windowStartedAt,
        Instant lastCodeAt) {
}
