package uz.lms.registration.verification;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class LogTests extends VerificationServiceTest {

    @Test
    void logsTellEachOutcomeButNeverACodeNorItsHash(CapturedOutput output) {
        long telegramId = newTelegramId();
        client.register(telegramId, newPhoneNumber());
        String code = deliveredCode(telegramId).code();
        client.verify(telegramId, code.equals("000000") ? "111111" : "000000");
        String hash = jdbc.sql("SELECT verification_code FROM users WHERE telegram_id = ?")
                .param(telegramId)
                .query(String.class)
                .single();
        client.verify(telegramId, code);

        assertThat(output.getAll())
                .contains("code issued telegram_id=" + telegramId)
                .contains("register telegram_id=" + telegramId + " outcome=code_sent")
                .contains("verify telegram_id=" + telegramId + " outcome=invalid_or_expired_code")
                .contains("verify telegram_id=" + telegramId + " outcome=verified")
                .doesNotContain(code)
                .doesNotContain(hash);
    }
}
