package uz.lms.registration.gateway;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import tools.jackson.databind.json.JsonMapper;
import uz.lms.registration.contracts.DeliverCode;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.testsupport.EmbeddedInfrastructure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;

/**
 * Reads {@code verification.codes} as telegram-service does: the one real path of an issued code.
 */
final class DeliveredCodes implements AutoCloseable {

    private final JsonMapper json = JsonMapper.builder().build();
    private final List<DeliverCode> delivered = new CopyOnWriteArrayList<>();
    private final KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedInfrastructure.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, "gateway-tests-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
    private final Thread poller = Thread.ofVirtual().name("delivered-codes").start(this::poll);

    private void poll() {
        consumer.subscribe(List.of(Topics.VERIFICATION_CODES));
        try {
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    delivered.add(json.readValue(record.value(), DeliverCode.class));
                }
            }
        } catch (WakeupException closing) {
            // close() was called
        } finally {
            consumer.close();
        }
    }

    /** The n-th code (1-based) delivered to this user, waiting for it to arrive. */
    String code(long telegramId, int n) {
        return await().atMost(Duration.ofSeconds(30))
                .until(() -> codesOf(telegramId), codes -> codes.size() >= n)
                .get(n - 1).code();
    }

    List<DeliverCode> codesOf(long telegramId) {
        return delivered.stream().filter(code -> code.telegramId() == telegramId).toList();
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        poller.join(Duration.ofSeconds(10));
    }
}
