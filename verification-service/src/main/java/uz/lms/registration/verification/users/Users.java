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
 * are kept per channel, in columns named {@code chat_…} and {@code api_…}, which each channel's own
 * {@link ChannelStatements} read and set.
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
        return jdbc.sql(ChannelStatements.of(channel).find())
                .param("id", telegramId)
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
        return jdbc.sql(ChannelStatements.of(channel).issueCode())
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
        return jdbc.sql(ChannelStatements.of(channel).markVerified())
                        .param("id", telegramId)
                        .param("hash", codeHash)
                        .param("now", at(now))
                        .param("maxAttempts", properties.maxAttempts())
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
        jdbc.sql(ChannelStatements.of(channel).recordFailedCheck())
                .param("id", telegramId)
                .param("hash", codeHash)
                .param("now", at(now))
                .param("maxFailures", properties.maxFailures())
                .param("lockoutFloor", at(now.minus(properties.failureLockout())))
                .update();
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

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
