package uz.lms.registration.verification.users;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Repository;
import uz.lms.registration.verification.VerificationProperties;
import uz.lms.registration.verification.users.UserState.Counters;

/**
 * The {@code users} table. A batch of commands reads its users once, their rows locked ({@link #lock}); every
 * write that races is still one statement that checks and sets at once, so two concurrent commands can never both
 * pass a check that only one of them may pass. Counters are kept per channel, in columns named {@code chat_…} and
 * {@code api_…}, which each channel's own {@link ChannelStatements} set.
 */
@Repository
class Users {

    /** What {@link UserState} holds: the columns every statement that reads or changes a user returns. */
    static final String COLUMNS = """
            telegram_id, phone_number, attested_phone_number, verification_code, expires_at, is_verified, language,
            chat_failed_attempts, chat_codes_in_window, chat_window_started_at, chat_last_code_at,
            api_failed_attempts, api_codes_in_window, api_window_started_at, api_last_code_at,
            api_failures_in_row, api_last_failure_at""";

    private final JdbcClient jdbc;
    private final VerificationProperties properties;

    Users(JdbcClient jdbc, VerificationProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    /**
     * Reads the users among {@code telegramIds} that exist and locks their rows until the transaction ends, so that
     * what the batch's commands decide on stays what they change. Rows are locked in {@code telegram_id} order: two
     * batches that share users wait for each other instead of deadlocking.
     */
    Map<Long, UserState> lock(Collection<Long> telegramIds) {
        return jdbc
                .sql("SELECT " + COLUMNS + " FROM users WHERE telegram_id = ANY(?) ORDER BY telegram_id FOR UPDATE")
                .param(new SqlArrayValue("bigint", telegramIds.toArray()))
                .query(Users::userState)
                .list()
                .stream()
                .collect(Collectors.toMap(UserState::telegramId, Function.identity()));
    }

    /** The verified users among the owners of {@code phoneNumbers}, by phone number. */
    Map<String, Long> verifiedOwners(Collection<String> phoneNumbers) {
        // One verified user a number: users_verified_phone_number.
        return jdbc
                .sql("SELECT phone_number, telegram_id FROM users WHERE is_verified AND phone_number = ANY(?)")
                .param(new SqlArrayValue("varchar", phoneNumbers.toArray()))
                .query((row, rowNumber) -> Map.entry(row.getString("phone_number"), row.getLong("telegram_id")))
                .list()
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /**
     * By column name, as {@link #COLUMNS} names them: a mapper by the record's properties would look each one up
     * under its camel-case name first, and the driver answers a missing column with an exception, a dozen a row.
     */
    private static UserState userState(ResultSet row, int rowNumber) throws SQLException {
        return new UserState(
                row.getLong("telegram_id"),
                row.getString("phone_number"),
                row.getString("attested_phone_number"),
                row.getString("verification_code"),
                instant(row, "expires_at"),
                row.getBoolean("is_verified"),
                row.getString("language"),
                new Counters(
                        row.getInt("chat_failed_attempts"),
                        row.getInt("chat_codes_in_window"),
                        instant(row, "chat_window_started_at"),
                        instant(row, "chat_last_code_at")),
                new Counters(
                        row.getInt("api_failed_attempts"),
                        row.getInt("api_codes_in_window"),
                        instant(row, "api_window_started_at"),
                        instant(row, "api_last_code_at")),
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
     * Creates the user without a code, its row locked until the transaction ends; empty when the {@code telegram_id}
     * exists already. The number is attested when it comes from Telegram.
     */
    Optional<UserState> createIfAbsent(
            long telegramId, String phoneNumber, Source source, String language, Instant now) {
        return jdbc.sql("""
                        INSERT INTO users (telegram_id, phone_number, attested_phone_number, language, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (telegram_id) DO NOTHING
                        RETURNING\s""" + COLUMNS)
                .params(
                        telegramId,
                        phoneNumber,
                        source == Source.TELEGRAM_CONTACT ? phoneNumber : null,
                        language,
                        at(now),
                        at(now))
                .query(Users::userState)
                .optional();
    }

    /**
     * Replaces the user's code, unless the user is verified, {@code source} may not ask for a code
     * for {@code phoneNumber}, or the channel's resend cooldown or send quota holds; empty then, and
     * nothing changed. Telegram attests the number and sets the language; a trusted caller sets the
     * number only; a caller sets neither, and gets a code only for the attested number.
     *
     * @return the user as the new code left it
     */
    Optional<UserState> issueCode(
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
                .query(Users::userState)
                .optional();
    }

    /**
     * Verifies the user if {@code codeHash} is still the live, unexpired code, not burned for this
     * channel nor, over HTTP, locked out, and no other user has verified this phone number meanwhile.
     * Present, as the user is now, for exactly one of any concurrent callers.
     */
    Optional<UserState> markVerified(long telegramId, String codeHash, Channel channel, Instant now) {
        return jdbc.sql(ChannelStatements.of(channel).markVerified())
                .param("id", telegramId)
                .param("hash", codeHash)
                .param("now", at(now))
                .param("maxAttempts", properties.maxAttempts())
                .param("maxFailures", properties.maxFailures())
                .param("lockoutFloor", at(now.minus(properties.failureLockout())))
                .query(Users::userState)
                .optional();
    }

    /**
     * Counts a failed check against the user's code for its channel, and over HTTP also in the account's run of
     * failures, which starts over once a lockout has passed; only while the code has attempts left for the channel
     * and, over HTTP, no lockout holds. Present for as many concurrent callers as the caps leave room for, whatever
     * each of them read before.
     *
     * @return the user as the check left it; empty when nothing was counted: the check is refused
     */
    Optional<UserState> recordFailedCheck(long telegramId, Channel channel, Instant now) {
        return jdbc.sql(ChannelStatements.of(channel).recordFailedCheck())
                .param("id", telegramId)
                .param("now", at(now))
                .param("maxAttempts", properties.maxAttempts())
                .param("maxFailures", properties.maxFailures())
                .param("lockoutFloor", at(now.minus(properties.failureLockout())))
                .query(Users::userState)
                .optional();
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
