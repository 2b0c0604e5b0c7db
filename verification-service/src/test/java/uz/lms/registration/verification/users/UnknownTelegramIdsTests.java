package uz.lms.registration.verification.users;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.observation.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.transaction.support.TransactionTemplate;
import uz.lms.registration.contracts.VerificationOutcome;
import uz.lms.registration.contracts.VerificationOutcome.AttemptsExhausted;
import uz.lms.registration.contracts.VerificationOutcome.InvalidOrExpiredCode;
import uz.lms.registration.contracts.VerifyCode;
import uz.lms.registration.verification.VerificationProperties;
import uz.lms.registration.verification.VerificationServiceTest;

/**
 * Whoever checks codes over HTTP learns nothing of whether a {@code telegram_id} has an account, however many checks
 * they make: an unknown id answers each as an account does that they cannot get a new code for.
 */
class UnknownTelegramIdsTests extends VerificationServiceTest {

    @Autowired
    VerificationProperties properties;

    @Autowired
    Verifications verifications;

    @Autowired
    UnverifiedUsers unverifiedUsers;

    @Autowired
    TransactionTemplate transactions;

    @Test
    void anUnknownIdAnswersManyChecksAsAnAccountWithALiveCodeAndOneWithAnExpiredCodeDo() {
        int checks = Math.max(properties.maxAttempts(), properties.maxFailures()) + 2;
        long live = newTelegramId();
        client.register(live, newPhoneNumber());
        String liveCode = deliveredCode(live).code();
        long expired = newTelegramId();
        client.register(expired, newPhoneNumber());
        String expiredCode = deliveredCode(expired).code();

        List<VerificationOutcome> account = checks(live, otherThan(liveCode), checks);
        long unknownId = newTelegramId();
        List<VerificationOutcome> unknown = checks(unknownId, "123456", checks);
        clock.advance(properties.codeTtl().plusSeconds(1));
        List<VerificationOutcome> accountWhoseCodeExpired = checks(expired, otherThan(expiredCode), checks);
        List<VerificationOutcome> unknownMeanwhile = checks(newTelegramId(), "123456", checks);

        assertThat(account).contains(new InvalidOrExpiredCode(), new AttemptsExhausted());
        assertThat(unknown).isEqualTo(account);
        assertThat(accountWhoseCodeExpired).isEqualTo(account);
        assertThat(unknownMeanwhile).isEqualTo(account);
        // Past the lockout the account still refuses the burned code; so does the unknown id.
        clock.advance(properties.failureLockout().plusMinutes(1));
        assertThat(checks(live, otherThan(liveCode), 2)).containsOnly(new AttemptsExhausted());
        assertThat(checks(unknownId, "123456", 2)).containsOnly(new AttemptsExhausted());
    }

    /**
     * An unknown id keeps one row, however often it is checked, for as long as an account whose code it burned is kept
     * ({@code verification.unverified-retention} after the last counted check): the gateway's rate limit bounds how
     * many a day brings.
     */
    @Test
    void manyUnknownIdsKeepOneRowEachUntilTheRetentionHasPassed() {
        List<Long> ids = Stream.generate(VerificationServiceTest::newTelegramId)
                .limit(500)
                .toList();
        List<VerifyCode> twiceEach = new ArrayList<>();
        for (long id : ids) {
            twiceEach.add(apiCheck(id, "123456"));
            twiceEach.add(apiCheck(id, "654321"));
        }

        transactions.execute(status -> verifications.verify(twiceEach, Channel.API, command -> Observation.NOOP));

        assertThat(rowsOf(ids)).isEqualTo(ids.size());
        clock.advance(properties.unverifiedRetention());
        unverifiedUsers.deleteAbandoned();
        assertThat(rowsOf(ids)).as("not before the retention has passed").isEqualTo(ids.size());
        clock.advance(Duration.ofSeconds(1));
        unverifiedUsers.deleteAbandoned();
        assertThat(rowsOf(ids)).isZero();
    }

    private List<VerificationOutcome> checks(long telegramId, String code, int count) {
        List<VerificationOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            outcomes.add(client.verify(telegramId, code, Channel.API));
        }
        return outcomes;
    }

    private long rowsOf(List<Long> ids) {
        return jdbc.sql("SELECT count(*) FROM unknown_telegram_ids WHERE telegram_id = ANY(?)")
                .param(new SqlArrayValue("bigint", ids.toArray()))
                .query(Long.class)
                .single();
    }

    private static VerifyCode apiCheck(long telegramId, String code) {
        return new VerifyCode(UUID.randomUUID(), Instant.now(), telegramId, code);
    }

    private static String otherThan(String code) {
        return code.equals("000000") ? "111111" : "000000";
    }
}
