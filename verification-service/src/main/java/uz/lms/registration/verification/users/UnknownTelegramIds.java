package uz.lms.registration.verification.users;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import uz.lms.registration.verification.VerificationProperties;

/**
 * The HTTP checks of {@code telegram_id}s that have no account, counted as an account's are, so that no sequence of
 * answers tells whether an account exists: an unknown id is refused once it has had {@code verification.max-attempts}
 * wrong checks, or {@code verification.max-failures} in a row within the lockout, as an account whose code nobody
 * replaces is. Rows go as an account's go, {@code verification.unverified-retention} after the last counted check
 * ({@link UnverifiedUsers}): until then an account that the checks burned answers 429 too. In PostgreSQL, not in
 * memory, so that every instance answers alike, before and after a rebalance.
 */
@Repository
class UnknownTelegramIds {

    /** {@link ChannelStatements}' HTTP failed check, on this table: the same caps, in the statement that counts. */
    private static final String RECORD_FAILED_CHECK = """
            INSERT INTO unknown_telegram_ids AS checked
                (telegram_id, api_failed_attempts, api_failures_in_row, api_last_failure_at)
            VALUES (:id, 1, 1, :now)
            ON CONFLICT (telegram_id) DO UPDATE SET
                api_failed_attempts = checked.api_failed_attempts + 1,
                api_failures_in_row = CASE WHEN checked.api_failures_in_row >= :maxFailures
                                            AND checked.api_last_failure_at <= :lockoutFloor
                                           THEN 1 ELSE checked.api_failures_in_row + 1 END,
                api_last_failure_at = :now
            WHERE checked.api_failed_attempts < :maxAttempts
              AND (checked.api_failures_in_row < :maxFailures OR checked.api_last_failure_at <= :lockoutFloor)
            RETURNING telegram_id""";

    private final JdbcClient jdbc;
    private final VerificationProperties properties;

    UnknownTelegramIds(JdbcClient jdbc, VerificationProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    /**
     * Counts a failed HTTP check of an unknown id while the caps allow it.
     *
     * @return whether it was counted; refused otherwise
     */
    boolean recordFailedCheck(long telegramId, Instant now) {
        return jdbc.sql(RECORD_FAILED_CHECK)
                .param("id", telegramId)
                .param("now", at(now))
                .param("maxAttempts", properties.maxAttempts())
                .param("maxFailures", properties.maxFailures())
                .param("lockoutFloor", at(now.minus(properties.failureLockout())))
                .query(Long.class)
                .optional()
                .isPresent();
    }

    /**
     * Deletes up to {@code limit} ids whose last counted check came before {@code floor}; rows a command holds are
     * skipped, to be taken next time.
     *
     * @return how many were deleted
     */
    int deleteCheckedBefore(Instant floor, int limit) {
        return jdbc.sql("""
                        DELETE FROM unknown_telegram_ids WHERE telegram_id IN (
                            SELECT telegram_id FROM unknown_telegram_ids WHERE api_last_failure_at < ?
                            LIMIT ? FOR UPDATE SKIP LOCKED)""").params(at(floor), limit).update();
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
