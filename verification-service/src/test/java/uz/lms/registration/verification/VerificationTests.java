package uz.lms.registration.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import uz.lms.registration.contracts.AlreadyVerified;
import uz.lms.registration.contracts.UserEvent;
import uz.lms.registration.contracts.VerificationOutcome.AttemptsExhausted;
import uz.lms.registration.contracts.VerificationOutcome.InvalidOrExpiredCode;
import uz.lms.registration.contracts.VerificationOutcome.Verified;
import uz.lms.registration.verification.users.Channel;

class VerificationTests extends VerificationServiceTest {

    @Test
    void theRightCodeWithinTheMinuteVerifiesTheUser() {
        long telegramId = newTelegramId();
        String phone = newPhoneNumber();
        client.register(telegramId, phone);
        String code = deliveredCode(telegramId).code();
        clock.advance(Duration.ofSeconds(59));

        assertThat(client.verify(telegramId, code)).isEqualTo(new Verified());

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

    @ParameterizedTest
    @EnumSource(Channel.class)
    void fiveWrongChecksBurnTheCodeEvenForTheRightCodeAfterwards(Channel channel) {
        long telegramId = newTelegramId();
        client.register(telegramId, newPhoneNumber());
        String code = deliveredCode(telegramId).code();
        for (int i = 0; i < 5; i++) {
            assertThat(client.verify(telegramId, otherThan(code), channel)).isEqualTo(new InvalidOrExpiredCode());
        }

        assertThat(client.verify(telegramId, code, channel)).isEqualTo(new AttemptsExhausted());
        assertThat(client.verify(telegramId, otherThan(code), channel)).isEqualTo(new AttemptsExhausted());
    }

    @Test
    void aCodeBurnedInTheChatStillVerifiesOverHttp() {
        long telegramId = newTelegramId();
        client.register(telegramId, newPhoneNumber());
        String code = deliveredCode(telegramId).code();
        for (int i = 0; i < 5; i++) {
            client.verify(telegramId, otherThan(code), Channel.CHAT);
        }

        assertThat(client.verify(telegramId, code, Channel.API)).isEqualTo(new Verified());
    }

    @Test
    void afterTwentyFailedHttpChecksInARowAcrossCodesHttpChecksStopButTheChatVerifies() {
        long telegramId = newTelegramId();
        String phone = newPhoneNumber();
        failTwentyHttpChecksAcrossFourCodes(telegramId, phone);
        clock.advance(Duration.ofSeconds(30));
        client.register(telegramId, phone);
        String code = awaitCode(telegramId, 5);

        assertThat(client.verify(telegramId, code, Channel.API)).isEqualTo(new AttemptsExhausted());
        assertThat(client.verify(telegramId, otherThan(code), Channel.API)).isEqualTo(new AttemptsExhausted());
        assertThat(client.verify(telegramId, code, Channel.CHAT)).isEqualTo(new Verified());
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
