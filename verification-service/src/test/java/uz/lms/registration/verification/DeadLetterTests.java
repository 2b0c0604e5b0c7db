package uz.lms.registration.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.support.KafkaHeaders;
import uz.lms.registration.contracts.RegisterUser;
import uz.lms.registration.contracts.RegistrationOutcome.CodeSent;
import uz.lms.registration.contracts.RegistrationOutcome.ShareNumberFirst;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.testsupport.TopicRecorder;
import uz.lms.registration.verification.users.Source;

class DeadLetterTests extends VerificationServiceTest {

    @Test
    void unreadableAndInvalidCommandsGoToTheirTopicsDeadLetterTopicAndTheConsumersKeepGoing() throws Exception {
        try (TopicRecorder registrationDlt = TopicRecorder.start(Topics.deadLetter(Topics.REGISTRATION_REQUESTS));
                TopicRecorder verificationDlt = TopicRecorder.start(Topics.deadLetter(Topics.VERIFICATION_REQUESTS));
                TopicRecorder chatRegistrationDlt = TopicRecorder.start(Topics.deadLetter(Topics.CHAT_REGISTRATIONS));
                TopicRecorder chatVerificationDlt = TopicRecorder.start(Topics.deadLetter(Topics.CHAT_VERIFICATIONS))) {
            byte[] garbage = "{not json".getBytes(StandardCharsets.UTF_8);
            byte[] notE164 = """
                    {"event_id":"9b0c0c8e-2f33-4b5e-9a37-1d3f1a1b2c3d","telegram_id":5,"phone_number":"12","language":"uz"}""".getBytes(StandardCharsets.UTF_8);
            byte[] fiveDigits = """
                    {"event_id":"9b0c0c8e-2f33-4b5e-9a37-1d3f1a1b2c3e","telegram_id":5,"verification_code":"12345"}""".getBytes(StandardCharsets.UTF_8);

            client.sendRaw(Topics.REGISTRATION_REQUESTS, "5", garbage);
            client.sendRaw(Topics.REGISTRATION_REQUESTS, "5", notE164);
            client.sendRaw(Topics.VERIFICATION_REQUESTS, "5", fiveDigits);
            client.sendRaw(Topics.CHAT_REGISTRATIONS, "5", garbage);
            client.sendRaw(Topics.CHAT_VERIFICATIONS, "5", fiveDigits);

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(registrationDlt.records())
                        .extracting(record -> record.value())
                        .containsExactlyInAnyOrder(garbage, notE164);
                assertThat(verificationDlt.records())
                        .extracting(record -> record.value())
                        .containsExactly(fiveDigits);
                assertThat(chatRegistrationDlt.records())
                        .extracting(record -> record.value())
                        .containsExactly(garbage);
                assertThat(chatVerificationDlt.records())
                        .extracting(record -> record.value())
                        .containsExactly(fiveDigits);
            });
            assertThat(client.register(newTelegramId(), newPhoneNumber())).isEqualTo(new CodeSent(60));
            assertThat(client.register(newTelegramId(), newPhoneNumber(), Source.CALLER))
                    .isEqualTo(new ShareNumberFirst());
        }
    }

    @Test
    void aCommandThatFailsEveryTryIsDeadLetteredAsJsonAndTheConsumerKeepsGoing() throws Exception {
        try (TopicRecorder registrationDlt = TopicRecorder.start(Topics.deadLetter(Topics.CHAT_REGISTRATIONS))) {
            long telegramId = newTelegramId();
            var command = new RegisterUser(UUID.randomUUID(), Instant.now(), telegramId, newPhoneNumber(), "uz", false);
            var record = new ProducerRecord<>(
                    Topics.CHAT_REGISTRATIONS, Topics.key(telegramId), json.writeValueAsBytes(command));
            record.headers()
                    .add(KafkaHeaders.REPLY_TOPIC, TestClient.REGISTRATION_REPLIES.getBytes(StandardCharsets.UTF_8));
            // A reply partition must be a 4-byte int: this header fails the command on every try.
            record.headers().add(KafkaHeaders.REPLY_PARTITION, new byte[] {1, 2});

            client.sendRaw(record);

            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(registrationDlt.values(RegisterUser.class, telegramId))
                            .containsExactly(command));
            assertThat(client.register(newTelegramId(), newPhoneNumber())).isEqualTo(new CodeSent(60));
        }
    }
}
