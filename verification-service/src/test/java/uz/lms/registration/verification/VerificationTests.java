package uz.lms.registration.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import uz.lms.registration.contracts.AlreadyVerified;
import uz.lms.registration.contracts.UserEvent;
import uz.lms.registration.contracts.VerificationOutcome.AttemptsExhausted;
import uz.lms.registration.contracts.VerificationOutcome.InvalidOrExpiredCode;
import uz.lms.registration.contracts.VerificationOutcome.Verified;
import uz.lms.registration.verification.users.Channel;

class VerificationTests extends VerificationServiceTest {

    @Autowired
    MeterRegistry meters;

    @Test
    void theRightCodeWithinTheMinuteVerifiesTheUserCountedAndTimedFromTheCodesIssue() {
        Timer timeToVerify = meters.timer("verification.time.to.verify", "channel", "chat");
        long timedBefore = timeToVerify.count();
        double secondsBefore = timeToVerify.totalTime(TimeUnit.SECONDS);
        double verifiedBefore = count("verification.codes.verified", "channel", "chat");
        long telegramId = newTelegramId();
        String phone = newPhoneNumber();
        client.register(telegramId, phone);
        String code = deliveredCode(telegramId).code();
        clock.advance(Duration.ofSeconds(59));

        assertThat(client.verify(telegramId, code)).isEqualTo(new Verified());
        assertThat(count("verification.codes.verified", "channel", "chat") - verifiedBefore)
                .isOne();
        assertThat(timeToVerify.count() - timedBefore).isOne();
        assertThat(timeToVerify.totalTime(TimeUnit.SECONDS) - secondsBefore)
                .as("by the service's clock, from the code's issue to the commit")
                .isCloseTo(59, within(1e-6));

        var row = jdbc.sql("SELECT is_verified, verification_code FROM users WHERE telegram_id = ?")
                .param(telegramId)
                .query()
                .singleRow();
        assertThat(row.get("is_verified")).isEqualTo(true);
        assertThat(row.get("verification_code")).as("a used code is gone").isNull();
        await().untilAsserted(() -> assertThat(userEvents(telegramId))
                .last()
                .isInstanceOfSatisfying(
                        UserEvent.UserVerified.class,
                        event -> assertThat(event.phoneNumber()).isEqualTo(phone)));
    }

    @Test
    void aWrongCodeIsRejected() {
        long telegramId = newTelegramId();
        client.register(telegramId, newPhoneNumber());
        String wrong = otherThan(deliveredCode(telegramId).code());

        assertThat(client.verify(telegramId, wrong)).isEqualTo(new InvalidOrExpiredCode());
        await().untilAsserted(() -> assertThat(userEvents(telegramId))
                .last()
                .isInstanceOfSatisfying(
                        UserEvent.VerificationFailed.class,
                        event -> assertThat(event.reason()).isEqualTo("invalid_or_expired_code")));
    }

    @Test
    void anExpiredCodeIsRejected() {
        long telegramId = newTelegramId();
        client.register(telegramId, newPhoneNumber());
        String code = deliveredCode(telegramId).code();
        clock.advance(Duration.ofSeconds(60));

        assertThat(client.verify(telegramId, code)).isEqualTo(new InvalidOrExpiredCode());
    }

    @Test
    void verifyingAVerifiedUserAgainIsRejected() {
        long telegramId = newTelegramId();
        client.register(telegramId, newPhoneNumber());
        String code = deliveredCode(telegramId).code();
        client.verify(telegramId, code);

        assertThat(client.verify(telegramId, code)).isEqualTo(new AlreadyVerified());
    }

    @Test
    void anUnknownTelegramIdGetsTheSameAnswerAsAWrongCode() {
        assertThat(client.verify(newTelegramId(), "123456")).isEqualTo(new InvalidOrExpiredCode());
    }

    /** Counted as the statements counted them: five wrong checks and one burned code, not the checks refused. */
    @ParameterizedTest
    @EnumSource(Channel.class)
    void fiveWrongChecksBurnTheCodeEvenForTheRightCodeAfterwardsCountedAsFiveFailuresAndOneLockout(Channel channel) {
        String tag = channel == Channel.API ? "http" : "chat";
        double failedBefore = count("verification.checks.failed", "channel", tag);
        double burnedBefore = count("verification.lockouts", "kind", "code");
        long telegramId = newTelegramId();
        client.register(telegramId, newPhoneNumber());
        String code = deliveredCode(telegramId).code();
        for (int i = 0; i < 5; i++) {
            assertThat(client.verify(telegramId, otherThan(code), channel)).isEqualTo(new InvalidOrExpiredCode());
        }

        assertThat(client.verify(telegramId, code, channel)).isEqualTo(new AttemptsExhausted());
        assertThat(client.verify(telegramId, otherThan(code), channel)).isEqualTo(new AttemptsExhausted());
        assertThat(count("verification.checks.failed", "channel", tag) - failedBefore)
                .isEqualTo(5);
        assertThat(count("verification.lockouts", "kind", "code") - burnedBefore)
                .isOne();
    }

    @Test
    void aCodeBurnedInTheChatStillVerifiesOverHttpCountedAsVerifiedOverHttp() {
        double verifiedBefore = count("verification.codes.verified", "channel", "http");
        double verifiedInTheChatBefore = count("verification.codes.verified", "channel", "chat");
        long telegramId = newTelegramId();
        client.register(telegramId, newPhoneNumber());
        String code = deliveredCode(telegramId).code();
        for (int i = 0; i < 5; i++) {
            client.verify(telegramId, otherThan(code), Channel.CHAT);
        }

        assertThat(client.verify(telegramId, code, Channel.API)).isEqualTo(new Verified());
        assertThat(count("verification.codes.verified", "channel", "http") - verifiedBefore)
                .isOne();
        assertThat(count("verification.codes.verified", "channel", "chat") - verifiedInTheChatBefore)
                .isZero();
    }

    @Test
    void afterTwentyFailedHttpChecksInARowAcrossCodesHttpChecksStopButTheChatVerifiesTheLockoutCountedOnce() {
        double lockedBefore = count("verification.lockouts", "kind", "account");
        double failedBefore = count("verification.checks.failed", "channel", "http");
        long telegramId = newTelegramId();
        String phone = newPhoneNumber();
        failTwentyHttpChecksAcrossFourCodes(telegramId, phone);
        clock.advance(Duration.ofSeconds(30));
        client.register(telegramId, phone);
        String code = awaitCode(telegramId, 5);

        assertThat(client.verify(telegramId, code, Channel.API)).isEqualTo(new AttemptsExhausted());
        assertThat(client.verify(telegramId, otherThan(code), Channel.API)).isEqualTo(new AttemptsExhausted());
        assertThat(client.verify(telegramId, code, Channel.CHAT)).isEqualTo(new Verified());
        assertThat(count("verification.lockouts", "kind", "account") - lockedBefore)
                .isOne();
        assertThat(count("verification.checks.failed", "channel", "http") - failedBefore)
                .as("the checks refused while locked out count nothing")
                .isEqualTo(20);
    }

    private double count(String counter, String... tags) {
        return meters.counter(counter, tags).count();
    }

    @Test
    void httpChecksResumeAnHourAfterTheLastFailureWhateverCameMeanwhile() {
        long telegramId = newTelegramId();
        String phone = newPhoneNumber();
        failTwentyHttpChecksAcrossFourCodes(telegramId, phone);
        clock.advance(Duration.ofMinutes(30));
        assertThat(client.verify(telegramId, "123456", Channel.API))
                .as("not counted: the lockout stays as it was")
                .isEqualTo(new AttemptsExhausted());
        clock.advance(Duration.ofMinutes(30));
        client.register(telegramId, phone);
        String code = awaitCode(telegramId, 5);

        assertThat(client.verify(telegramId, code, Channel.API)).isEqualTo(new Verified());
    }

    /** Four codes, 30 s apart, each burned for HTTP by five wrong checks; the last failure is now. */
    private void failTwentyHttpChecksAcrossFourCodes(long telegramId, String phone) {
        for (int code = 1; code <= 4; code++) {
            if (code > 1) {
                clock.advance(Duration.ofSeconds(30));
            }
            client.register(telegramId, phone);
            String wrong = otherThan(awaitCode(telegramId, code));
            for (int i = 0; i < 5; i++) {
                assertThat(client.verify(telegramId, wrong, Channel.API)).isEqualTo(new InvalidOrExpiredCode());
            }
        }
    }

    private String awaitCode(long telegramId, int count) {
        return await().until(() -> deliveredCodes(telegramId), codes -> codes.size() == count)
                .getLast()
                .code();
    }

    @Test
    void aNewCodeStartsAFreshCountOfAttempts() {
        long telegramId = newTelegramId();
        String phone = newPhoneNumber();
        client.register(telegramId, phone);
        String burned = deliveredCode(telegramId).code();
        for (int i = 0; i < 5; i++) {
            client.verify(telegramId, otherThan(burned));
        }
        clock.advance(Duration.ofSeconds(30));

        client.register(telegramId, phone);
        await().until(() -> deliveredCodes(telegramId).size() == 2);

        assertThat(client.verify(telegramId, deliveredCode(telegramId).code())).isEqualTo(new Verified());
    }

    private static String otherThan(String code) {
        return code.equals("000000") ? "111111" : "000000";
    }
}
