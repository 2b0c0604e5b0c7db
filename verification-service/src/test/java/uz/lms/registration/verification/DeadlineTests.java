package uz.lms.registration.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.kafka.support.KafkaHeaders;
import uz.lms.registration.contracts.DeliverCode;
import uz.lms.registration.contracts.RegisterUser;
import uz.lms.registration.contracts.RegistrationOutcome.CodeSent;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.contracts.VerificationOutcome.Verified;
import uz.lms.registration.contracts.VerifyCode;

/** A command read after its deadline: its requester has answered 503, and nothing may change after that. */
@ExtendWith(OutputCaptureExtension.class)
class DeadlineTests extends VerificationServiceTest {

    @Autowired
    MeterRegistry meters;

    @Test
    void aRegistrationReadAfterItsDeadlineCreatesNoUserAndSendsNoCode(CapturedOutput output) throws Exception {
        long telegramId = newTelegramId();
        double lateBefore = late("register");

        client.sendRaw(command(
                Topics.CHAT_REGISTRATIONS,
                telegramId,
                new RegisterUser(UUID.randomUUID(), Instant.now(), telegramId, newPhoneNumber(), "uz", false)));

        await().atMost(Duration.ofSeconds(20)).until(() -> late("register") > lateBefore);
        assertThat(jdbc.sql("SELECT count(*) FROM users WHERE telegram_id = ?")
                        .param(telegramId)
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(output.getAll())
                .containsPattern("register telegram_id=" + telegramId
                        + " event_id=[0-9a-f-]{36} dropped: PT1S after its deadline");
        assertThat(client.register(telegramId, newPhoneNumber())).isEqualTo(new CodeSent(60));
        // The reply can come before the outbox publishes the code: wait for it, then see it is the only one.
        DeliverCode issued = deliveredCode(telegramId);
        assertThat(deliveredCodes(telegramId)).containsExactly(issued);
    }

    @Test
    void checksReadAfterTheirDeadlineCountNoAttemptAndVerifyNothing() throws Exception {
        long telegramId = newTelegramId();
        client.register(telegramId, newPhoneNumber());
        String code = deliveredCode(telegramId).code();
        String wrong = code.equals("000000") ? "111111" : "000000";
        double lateBefore = late("verify");

        // More than verification.max-attempts: counted, they would burn the code.
        for (int i = 0; i < 6; i++) {
            client.sendRaw(command(
                    Topics.CHAT_VERIFICATIONS,
                    telegramId,
                    new VerifyCode(UUID.randomUUID(), Instant.now(), telegramId, wrong)));
        }
        client.sendRaw(command(
                Topics.CHAT_VERIFICATIONS,
                telegramId,
                new VerifyCode(UUID.randomUUID(), Instant.now(), telegramId, code)));

        await().atMost(Duration.ofSeconds(20)).until(() -> late("verify") >= lateBefore + 7);
        assertThat(jdbc.sql("SELECT is_verified FROM users WHERE telegram_id = ?")
                        .param(telegramId)
                        .query(Boolean.class)
                        .single())
                .isFalse();
        assertThat(client.verify(telegramId, code)).isEqualTo(new Verified());
    }

    /** A command as the requesters send it, with a deadline that passed a second ago by the service's clock. */
    private ProducerRecord<String, byte[]> command(String topic, long telegramId, Object command) {
        var record = new ProducerRecord<>(topic, Topics.key(telegramId), json.writeValueAsBytes(command));
        record.headers()
                .add(KafkaHeaders.REPLY_TOPIC, TestClient.REGISTRATION_REPLIES.getBytes(StandardCharsets.UTF_8));
        record.headers()
                .add(
                        Topics.DEADLINE_HEADER,
                        clock.instant().minusSeconds(1).toString().getBytes(StandardCharsets.US_ASCII));
        return record;
    }

    private double late(String command) {
        var timer = meters.find("verification.commands")
                .tag("command", command)
                .tag("outcome", "late")
                .timer();
        return timer == null ? 0 : timer.count();
    }
}
