package uz.lms.registration.verification;

import org.junit.jupiter.api.Test;
import uz.lms.registration.contracts.AlreadyVerified;
import uz.lms.registration.contracts.UserEvent;
import uz.lms.registration.contracts.VerificationOutcome.AttemptsExhausted;
import uz.lms.registration.contracts.VerificationOutcome.InvalidOrExpiredCode;
import uz.lms.registration.contracts.VerificationOutcome.Verified;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
                .param(telegramId).query().singleRow();
        assertThat(row.get("is_verified")).isEqualTo(true);
        assertThat(row.get("verification_code")).as("a used code is gone").isNull();
        await().untilAsserted(() -> assertThat(userEvents(telegramId)).last()
                .isInstanceOfSatisfying(UserEvent.UserVerified.class, event -> assertThat(event.phoneNumber()).isEqualTo(phone)));
    }

    @Test
    void aWrongCodeIsRejected() {
        long telegramId = newTelegramId();
        client.register(telegramId, newPhoneNumber());
        String wrong = otherThan(deliveredCode(telegramId).code());

        assertThat(client.verify(telegramId, wrong)).isEqualTo(new InvalidOrExpiredCode());
        await().untilAsserted(() -> assertThat(userEvents(telegramId)).last()
                .isInstanceOfSatisfying(UserEvent.VerificationFailed.class,
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

    @Test
    void fiveWrongChecksBurnTheCodeEvenForTheRightCodeAfterwards() {
        long telegramId = newTelegramId();
        client.register(telegramId, newPhoneNumber());
        String code = deliveredCode(telegramId).code();
        for (int i = 0; i < 5; i++) {
            assertThat(client.verify(telegramId, otherThan(code))).isEqualTo(new InvalidOrExpiredCode());
        }

        assertThat(client.verify(telegramId, code)).isEqualTo(new AttemptsExhausted());
        assertThat(client.verify(telegramId, otherThan(code))).isEqualTo(new AttemptsExhausted());
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
