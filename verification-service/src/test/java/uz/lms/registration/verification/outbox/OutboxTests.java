package uz.lms.registration.verification.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Status;
import org.springframework.kafka.support.KafkaHeaders;
import uz.lms.registration.contracts.RegisterUser;
import uz.lms.registration.contracts.RegistrationOutcome.CodeSent;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.contracts.UserEvent;
import uz.lms.registration.verification.TestClient;
import uz.lms.registration.verification.VerificationServiceTest;

class OutboxTests extends VerificationServiceTest {

    @Autowired
    PayloadCipher cipher;

    @Autowired
    OutboxHealthIndicator health;

    @Test
    void recordsLeftBehindByACrashArePublishedByTheSweep() {
        long telegramId = newTelegramId();
        var event = new UserEvent.CodeIssued(UUID.randomUUID(), clock.instant(), telegramId, clock.instant());
        jdbc.sql(
                        "INSERT INTO outbox (topic, record_key, payload, created_at) VALUES (?, ?, ?, now() - interval '1 minute')")
                .params(Topics.USER_EVENTS, Topics.key(telegramId), cipher.seal(json.writeValueAsBytes(event)))
                .update();

        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(userEvents(telegramId)).containsExactly(event));
        // The row goes when Kafka's acknowledgement lets the sweep's transaction commit.
        await().untilAsserted(() -> assertThat(jdbc.sql("SELECT count(*) FROM outbox WHERE record_key = ?")
                        .param(Topics.key(telegramId))
                        .query(Long.class)
                        .single())
                .isZero());
    }

    @Test
    void aReplyAddressNobodyCanReceiveStallsNothing() throws Exception {
        long hostile = newTelegramId();
        var command = new RegisterUser(
                UUID.randomUUID(),
                Instant.now(),
                hostile,
                newPhoneNumber(),
                "uz",
                RegisterUser.Source.TELEGRAM_CONTACT);
        var record = new ProducerRecord<>(
                Topics.REGISTRATION_REQUESTS, Topics.key(hostile), json.writeValueAsBytes(command));
        // A reply topic the service answers on, but a partition no topic has.
        record.headers()
                .add(KafkaHeaders.REPLY_TOPIC, TestClient.REGISTRATION_REPLIES.getBytes(StandardCharsets.UTF_8));
        record.headers()
                .add(
                        KafkaHeaders.REPLY_PARTITION,
                        ByteBuffer.allocate(Integer.BYTES).putInt(-1).array());
        record.headers().add(KafkaHeaders.CORRELATION_ID, new byte[] {1, 2, 3});

        client.sendRaw(record);

        assertThat(deliveredCode(hostile).telegramId())
                .as("its events are published")
                .isEqualTo(hostile);
        assertThat(client.register(newTelegramId(), newPhoneNumber())).isEqualTo(new CodeSent(60));
        await().untilAsserted(() -> assertThat(jdbc.sql("SELECT count(*) FROM outbox")
                        .query(Long.class)
                        .single())
                .isZero());
    }

    @Test
    void aUsersNewRecordsWaitForOlderOnesLeftBehind() {
        long telegramId = newTelegramId();
        var leftBehind = new UserEvent.CodeIssued(UUID.randomUUID(), clock.instant(), telegramId, clock.instant());
        // A record whose publish failed moments ago: the sweep will take it once it is a second old.
        jdbc.sql("INSERT INTO outbox (topic, record_key, payload) VALUES (?, ?, ?)")
                .params(Topics.USER_EVENTS, Topics.key(telegramId), cipher.seal(json.writeValueAsBytes(leftBehind)))
                .update();

        assertThat(client.register(telegramId, newPhoneNumber())).isEqualTo(new CodeSent(60));

        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() ->
                        assertThat(userEvents(telegramId)).hasSize(3).first().isEqualTo(leftBehind));
        assertThat(userEvents(telegramId))
                .extracting(Object::getClass)
                .containsExactly(
                        UserEvent.CodeIssued.class, UserEvent.UserRegistered.class, UserEvent.CodeIssued.class);
    }

    @Test
    void aRecordThatCannotBeOpenedIsDroppedAndHoldsNothingBack() {
        long telegramId = newTelegramId();
        // Sealed under some other code secret, say before a rotation.
        jdbc.sql(
                        "INSERT INTO outbox (topic, record_key, payload, created_at) VALUES (?, ?, ?, now() - interval '1 minute')")
                .params(Topics.USER_EVENTS, Topics.key(telegramId), new byte[40])
                .update();

        assertThat(client.register(telegramId, newPhoneNumber())).isEqualTo(new CodeSent(60));

        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(userEvents(telegramId))
                        .extracting(Object::getClass)
                        .containsExactly(UserEvent.UserRegistered.class, UserEvent.CodeIssued.class));
        await().untilAsserted(() -> assertThat(jdbc.sql("SELECT count(*) FROM outbox WHERE record_key = ?")
                        .param(Topics.key(telegramId))
                        .query(Long.class)
                        .single())
                .isZero());
    }

    @Test
    void aRowThatCannotBePublishedForLongShowsInHealth() {
        long telegramId = newTelegramId();
        var event = new UserEvent.CodeIssued(UUID.randomUUID(), clock.instant(), telegramId, clock.instant());
        // A topic name Kafka refuses: every send fails, and the row stays.
        Long id = jdbc.sql("""
                        INSERT INTO outbox (topic, record_key, payload, created_at)
                        VALUES ('no such topic!', ?, ?, now() - interval '2 minutes') RETURNING id""")
                .params(Topics.key(telegramId), cipher.seal(json.writeValueAsBytes(event)))
                .query(Long.class)
                .single();
        try {
            assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.health().getDetails()).containsEntry("publisher_alive", true);
        } finally {
            jdbc.sql("DELETE FROM outbox WHERE id = ?").param(id).update();
        }
        await().untilAsserted(() -> assertThat(health.health().getStatus()).isEqualTo(Status.UP));
    }
}
