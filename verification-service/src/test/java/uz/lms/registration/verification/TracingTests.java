package uz.lms.registration.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.kafka.support.KafkaHeaders;
import uz.lms.registration.contracts.RegisterUser;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.contracts.VerifyCode;
import uz.lms.registration.testsupport.TopicRecorder;

/** One registration is one trace: what a command causes continues the trace of its record's W3C traceparent. */
@ExtendWith(OutputCaptureExtension.class)
class TracingTests extends VerificationServiceTest {

    @Test
    void theRepliesCodeAndEventsOfACommandContinueItsTraceAndItsLogLinesNameIt(CapturedOutput output) throws Exception {
        long telegramId = newTelegramId();
        String registering = newTraceId();
        String verifying = newTraceId();

        try (var registrationReplies = TopicRecorder.start(TestClient.REGISTRATION_REPLIES);
                var verificationReplies = TopicRecorder.start(TestClient.VERIFICATION_REPLIES)) {
            send(
                    Topics.CHAT_REGISTRATIONS,
                    telegramId,
                    new RegisterUser(UUID.randomUUID(), Instant.now(), telegramId, newPhoneNumber(), "uz", false),
                    TestClient.REGISTRATION_REPLIES,
                    registering);
            String code = deliveredCode(telegramId).code();
            send(
                    Topics.CHAT_VERIFICATIONS,
                    telegramId,
                    new VerifyCode(UUID.randomUUID(), Instant.now(), telegramId, code),
                    TestClient.VERIFICATION_REPLIES,
                    verifying);

            await().untilAsserted(() -> {
                assertThat(traceIds(registrationReplies.records(), telegramId)).containsExactly(registering);
                assertThat(traceIds(verificationReplies.records(), telegramId)).containsExactly(verifying);
                assertThat(traceIds(codes.records(), telegramId)).containsExactly(registering);
                // UserRegistered and CodeIssued, then UserVerified.
                assertThat(traceIds(userEvents.records(), telegramId))
                        .containsExactly(registering, registering, verifying);
            });
        }
        assertThat(output.getAll().lines())
                .filteredOn(line -> line.contains("register telegram_id=" + telegramId + " outcome=code_sent")
                        || line.contains("code issued telegram_id=" + telegramId))
                .hasSize(2)
                .allMatch(line -> line.contains(registering));
        assertThat(output.getAll().lines())
                .filteredOn(line -> line.contains("verify telegram_id=" + telegramId + " outcome=verified"))
                .singleElement()
                .matches(line -> line.contains(verifying));
    }

    /** As a requester sends it, in the trace {@code traceId}, with a reply address the service answers on. */
    private void send(String topic, long telegramId, Object command, String replyTopic, String traceId)
            throws Exception {
        var record = new ProducerRecord<>(topic, Topics.key(telegramId), json.writeValueAsBytes(command));
        record.headers().add(KafkaHeaders.REPLY_TOPIC, replyTopic.getBytes(StandardCharsets.UTF_8));
        record.headers()
                .add(KafkaHeaders.CORRELATION_ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        record.headers()
                .add("traceparent", ("00-" + traceId + "-00f067aa0ba902b7-01").getBytes(StandardCharsets.US_ASCII));
        client.sendRaw(record);
    }
}
