package uz.lms.registration.verification.users;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import uz.lms.registration.contracts.Channel;
import uz.lms.registration.contracts.RegisterUser.Source;
import uz.lms.registration.verification.VerificationProperties;

/**
 * The {@code users} table. Every write that races is one statement that checks and sets at once,
 * so two concurrent commands can never both pass a check that only one of them may pass. Counters
 * are kept per channel, in columns named {@code chat_…} and {@code api_…}.
 */
@Repository
class Users {

    private final JdbcClient jdbc;
    private final VerificationProperties properties;

    Users(JdbcClient jdbc, VerificationProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    Optional<UserState> find(long telegramId, Channel channel) {
        return jdbc.sql(perChannel(channel, """
                        SELECT telegram_id, phone_number, attested_phone_number, verification_code, expires_at,
                               is_verified, {channel}_failed_attempts AS failed_attempts,
                               {channel}_codes_in_window AS codes_in_window,
                               {channel}_window_started_at AS window_started_at,
                               {channel}_last_code_at AS last_code_at, api_failures_in_row, api_last_failure_at
                        FROM users WHERE telegram_id = ?"""))
                .param(telegramId)
                .query(Users::userState)
                .optional();
    }

    /**
     * By column name, as the query names them: a mapper by the record's properties would look each one up under
     * its camel-case name first, and the driver answers a missing column with an exception, twelve a row.
     */
    private static UserState userState(ResultSet row, int rowNumber) throws SQLException {
        return new UserState(
                row.getLong("telegram_id"),
                row.getString("phone_number"),
                row.getString("attested_phone_number"),
                row.getString("verification_code"),
                instant(row, "expires_at"),
                row.getBoolean("is_verified"),
                row.getInt("failed_attempts"),
                row.getInt("codes_in_window"),
                instant(row, "window_started_at"),
                instant(row, "last_code_at"),
                row.getInt("api_failures_in_row"),
                instant(row, "api_last_failure_at"));
    }

    private static @Nullable Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    boolean isPhoneNumberVerifiedByAnother(long telegramId, String phoneNumber) {
        return jdbc.sql(
                        "SELECT EXISTS (SELECT 1 FROM users WHERE phone_number = ? AND is_verified AND telegram_id <> ?)")
                .params(phoneNumber, telegramId)
                .query(Boolean.class)
                .single();
    }

    /**
     * Creates the user without a code; false when the {@code telegram_id} exists already. The number
     * is attested when it comes from Telegram.
     */
    boolean createIfAbsent(long telegramId, String phoneNumber, Source source, String language, Instant now) {
        return jdbc.sql("""
                        INSERT INTO users (telegram_id, phone_number, attested_phone_number, language, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (telegram_id) DO NOTHING""")
                        .params(
                                telegramId,
                                phoneNumber,
                                source == Source.TELEGRAM_CONTACT ? phoneNumber : null,
                                language,
                                at(now),
                                at(now))
                        .update()
                == 1;
    }

    /**
     * Replaces the user's code, unless the user is verified, {@code source} may not ask for a code
     * for {@code phoneNumber}, or the channel's resend cooldown or send quota holds; empty then, and
     * nothing changed. Telegram attests the number and sets the language; a trusted caller sets the
     * number only; a caller sets neither, and gets a code only for the attested number.
     *
     * @return the language the user reads the bot in
     */
    Optional<String> issueCode(
            long telegramId,
            String phoneNumber,
            Source source,
            Channel channel,
            String language,
            String codeHash,
            Instant expiresAt,
            Instant now) {
        return jdbc.sql(perChannel(channel, """
                        UPDATE users SET
                            phone_number = :phone,
                            attested_phone_number = CASE WHEN :attests THEN :phone ELSE attested_phone_number END,
                            language = CASE WHEN :attests THEN :language ELSE language END,
                            verification_code = :hash, expires_at = :expires,
                            chat_failed_attempts = 0, api_failed_attempts = 0,
                            {channel}_codes_in_window =
                                CASE WHEN {channel}_window_started_at IS NULL OR {channel}_window_started_at <= :windowFloor
                                     THEN 1 ELSE {channel}_codes_in_window + 1 END,
                            {channel}_window_started_at =
                                CASE WHEN {channel}_window_started_at IS NULL OR {channel}_window_started_at <= :windowFloor
                                     THEN :now ELSE {channel}_window_started_at END,
                            {channel}_last_code_at = :now, updated_at = :now
                        WHERE telegram_id = :id AND NOT is_verified
                          AND (:mayChangeNumber OR (phone_number = :phone AND attested_phone_number = :phone))
                          AND ({channel}_last_code_at IS NULL OR {channel}_last_code_at <= :cooldownFloor)
                          AND ({channel}_window_started_at IS NULL OR {channel}_window_started_at <= :windowFloor
                               OR {channel}_codes_in_window < :maxCodes)
                        RETURNING language"""))
                .param("id", telegramId)
                .param("phone", phoneNumber)
                .param("attests", source == Source.TELEGRAM_CONTACT)
                .param("mayChangeNumber", source != Source.CALLER)
                .param("language", language)
                .param("hash", codeHash)
                .param("expires", at(expiresAt))
                .param("now", at(now))
                .param("cooldownFloor", at(now.minus(properties.resendCooldown())))
                .param("windowFloor", at(now.minus(properties.codesWindow())))
                .param("maxCodes", properties.maxCodesPerWindow())
                .query(String.class)
                .optional();
    }

    /**
     * Verifies the user if {@code codeHash} is still the live, unexpired code, not burned for this
     * channel nor, over HTTP, locked out, and no other user has verified this phone number meanwhile.
     * True for exactly one of any concurrent callers.
     */
    boolean markVerified(long telegramId, String codeHash, Channel channel, Instant now) {
        return jdbc.sql(perChannel(channel, """
                        UPDATE users SET is_verified = true, verification_code = NULL, verified_at = :now, updated_at = :now
                        WHERE telegram_id = :id AND NOT is_verified AND verification_code = :hash
                          AND expires_at > :now AND {channel}_failed_attempts < :maxAttempts
                          AND (:chat OR api_failures_in_row < :maxFailures OR api_last_failure_at <= :lockoutFloor)
                          AND NOT EXISTS (SELECT 1 FROM users other
                                          WHERE other.phone_number = users.phone_number AND other.is_verified)"""))
                        .param("id", telegramId)
                        .param("hash", codeHash)
                        .param("now", at(now))
                        .param("maxAttempts", properties.maxAttempts())
                        .param("chat", channel == Channel.CHAT)
                        .param("maxFailures", properties.maxFailures())
                        .param("lockoutFloor", at(now.minus(properties.failureLockout())))
                        .update()
                == 1;
    }

    /**
     * Counts a failed check: against the code {@code codeHash} for its channel, if it is still the
     * user's code, and over HTTP also in the account's run of failures, which starts over once a
     * lockout has passed.
     */
    void recordFailedCheck(long telegramId, @Nullable String codeHash, Channel channel, Instant now) {
        switch (channel) {
            case CHAT -> jdbc.sql("""
                            UPDATE users SET chat_failed_attempts = chat_failed_attempts + 1, updated_at = ?
                            WHERE telegram_id = ? AND verification_code = ?""").params(at(now), telegramId, codeHash).update();
            case API ->
                jdbc.sql("""
                            UPDATE users SET
                                api_failed_attempts = api_failed_attempts + CASE WHEN verification_code = :hash THEN 1 ELSE 0 END,
                                api_failures_in_row = CASE WHEN api_failures_in_row >= :maxFailures
                                                            AND api_last_failure_at <= :lockoutFloor
                                                           THEN 1 ELSE api_failures_in_row + 1 END,
                                api_last_failure_at = :now, updated_at = :now
                            WHERE telegram_id = :id AND NOT is_verified""")
                        .param("id", telegramId)
                        .param("hash", codeHash)
                        .param("now", at(now))
                        .param("maxFailures", properties.maxFailures())
                        .param("lockoutFloor", at(now.minus(properties.failureLockout())))
                        .update();
        }
    }

    /**
     * Deletes up to {@code limit} users who never verified and did nothing since {@code floor}; rows a
     * command holds are skipped, to be taken next time.
     *
     * @return how many were deleted
     */
    int deleteUnverifiedInactiveSince(Instant floor, int limit) {
        return jdbc.sql("""
                        DELETE FROM users WHERE id IN (
                            SELECT id FROM users WHERE NOT is_verified AND updated_at < ?
                            LIMIT ? FOR UPDATE SKIP LOCKED)""").params(at(floor), limit).update();
    }

    /** The SQL with each {@code {channel}} replaced by the channel's column prefix. */
    private static String perChannel(Channel channel, String sql) {
        return sql.replace(
                "{channel}",
                switch (channel) {
                    case CHAT -> "chat";
                    case API -> "api";
                });
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
