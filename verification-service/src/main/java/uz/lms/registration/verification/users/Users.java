package uz.lms.registration.verification.users;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * The {@code users} table. Every write that races is one statement that checks and sets at once,
 * so two concurrent commands can never both pass a check that only one of them may pass.
 */
@Repository
class Users {

    private final JdbcClient jdbc;

    Users(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<UserState> find(long telegramId) {
        return jdbc.sql("""
                        SELECT telegram_id, phone_number, verification_code, expires_at, is_verified, failed_attempts,
                               codes_in_window, window_started_at, last_code_at
                        FROM users WHERE telegram_id = ?""")
                .param(telegramId)
                .query(UserState.class)
                .optional();
    }

    boolean isPhoneNumberVerifiedByAnother(long telegramId, String phoneNumber) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM users WHERE phone_number = ? AND is_verified AND telegram_id <> ?)")
                .params(phoneNumber, telegramId)
                .query(Boolean.class)
                .single();
    }

    /** Creates the user without a code; false when the {@code telegram_id} exists already. */
    boolean createIfAbsent(long telegramId, String phoneNumber, String language, Instant now) {
        return jdbc.sql("""
                        INSERT INTO users (telegram_id, phone_number, language, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?) ON CONFLICT (telegram_id) DO NOTHING""")
                .params(telegramId, phoneNumber, language, at(now), at(now))
                .update() == 1;
    }

    /**
     * Replaces the user's code, unless the user is verified, the resend cooldown has not passed, or
     * the send quota of the current window is used up; false then, and nothing changed.
     */
    boolean issueCode(long telegramId, String phoneNumber, String language, String codeHash, Instant expiresAt,
                      Instant now, Instant cooldownFloor, Instant windowFloor, int maxCodesPerWindow) {
        return jdbc.sql("""
                        UPDATE users SET
                            phone_number = :phone, language = :language,
                            verification_code = :hash, expires_at = :expires, failed_attempts = 0,
                            codes_in_window = CASE WHEN window_started_at IS NULL OR window_started_at <= :windowFloor
                                                   THEN 1 ELSE codes_in_window + 1 END,
                            window_started_at = CASE WHEN window_started_at IS NULL OR window_started_at <= :windowFloor
                                                     THEN :now ELSE window_started_at END,
                            last_code_at = :now, updated_at = :now
                        WHERE telegram_id = :id AND NOT is_verified
                          AND (last_code_at IS NULL OR last_code_at <= :cooldownFloor)
                          AND (window_started_at IS NULL OR window_started_at <= :windowFloor
                               OR codes_in_window < :maxCodes)""")
                .param("id", telegramId)
                .param("phone", phoneNumber)
                .param("language", language)
                .param("hash", codeHash)
                .param("expires", at(expiresAt))
                .param("now", at(now))
                .param("cooldownFloor", at(cooldownFloor))
                .param("windowFloor", at(windowFloor))
                .param("maxCodes", maxCodesPerWindow)
                .update() == 1;
    }

    /**
     * Verifies the user if {@code codeHash} is still the live, unexpired, unburned code, and no other
     * user has verified this phone number meanwhile. True for exactly one of any concurrent callers.
     */
    boolean markVerified(long telegramId, String codeHash, Instant now, int maxAttempts) {
        return jdbc.sql("""
                        UPDATE users SET is_verified = true, verification_code = NULL, verified_at = :now, updated_at = :now
                        WHERE telegram_id = :id AND NOT is_verified AND verification_code = :hash
                          AND expires_at > :now AND failed_attempts < :maxAttempts
                          AND NOT EXISTS (SELECT 1 FROM users other
                                          WHERE other.phone_number = users.phone_number AND other.is_verified)""")
                .param("id", telegramId)
                .param("hash", codeHash)
                .param("now", at(now))
                .param("maxAttempts", maxAttempts)
                .update() == 1;
    }

    /** Counts a wrong check against the code {@code codeHash}, if it is still the user's code. */
    void recordFailedAttempt(long telegramId, String codeHash, Instant now) {
        jdbc.sql("""
                        UPDATE users SET failed_attempts = failed_attempts + 1, updated_at = ?
                        WHERE telegram_id = ? AND verification_code = ?""")
                .params(at(now), telegramId, codeHash)
                .update();
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
