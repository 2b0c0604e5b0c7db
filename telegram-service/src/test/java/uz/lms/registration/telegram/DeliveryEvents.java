package uz.lms.registration.telegram;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import tools.jackson.databind.json.JsonMapper;
import uz.lms.registration.contracts.DeliveryEvent;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.testsupport.EmbeddedInfrastructure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** Reads {@code code.deliveries} from the start, as any outside consumer of the topic would. */
final class DeliveryEvents implements AutoCloseable {

    private final JsonMapper json = JsonMapper.builder().build();
    private final List<DeliveryEvent> events = new CopyOnWriteArrayList<>();
    private final KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedInfrastructure.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new StringDeserializer(), new StringDeserializer());
    private final Thread reader;

    DeliveryEvents() {
        consumer.subscribe(List.of(Topics.CODE_DELIVERIES));
        reader = Thread.ofPlatform().daemon().name("test-code-deliveries").start(this::read);
    }

    List<DeliveryEvent> of(long telegramId) {
        return events.stream().filter(event -> event.telegramId() == telegramId).toList();
    }

    private void read() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    events.add(json.readValue(record.value(), DeliveryEvent.class));
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        reader.join(Duration.ofSeconds(5));
    }
}
