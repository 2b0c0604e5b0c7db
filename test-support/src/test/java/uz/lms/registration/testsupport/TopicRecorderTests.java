package uz.lms.registration.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TopicRecorderTests {

    record Note(String text) {}

    private final String topic = "recorder-test-" + UUID.randomUUID();
    private final KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedInfrastructure.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer());

    @AfterEach
    void closeProducer() {
        producer.close();
    }

    @Test
    void aRecordPublishedRightAfterTheStartIsRecordedAndOneBeforeItIsNot() throws Exception {
        try (TopicRecorder before = TopicRecorder.start(topic)) {
            send("1", "{\"text\": \"before\"}");
            await().until(() -> before.records().size() == 1);
        }

        try (TopicRecorder recorder = TopicRecorder.start(topic)) {
            send("1", "{\"text\": \"after\"}");

            await().untilAsserted(() -> assertThat(recorder.values(Note.class)).containsExactly(new Note("after")));
        }
    }

    @Test
    void valuesAreReadAsJsonAndFilteredByTheUsersKey() throws Exception {
        try (TopicRecorder recorder = TopicRecorder.start(topic)) {
            send("42", "{\"text\": \"first\"}");
            send("43", "{\"text\": \"someone else's\"}");
            send("42", "{\"text\": \"second\"}");

            await().until(() -> recorder.records().size() == 3);
            assertThat(recorder.values(Note.class, 42)).containsExactly(new Note("first"), new Note("second"));
            assertThat(recorder.values(Note.class, 7)).isEmpty();
        }
    }

    private void send(String key, String json) throws Exception {
        producer.send(new ProducerRecord<>(topic, 0, key, json.getBytes(StandardCharsets.UTF_8)))
                .get();
    }
}
