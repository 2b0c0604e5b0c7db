package uz.lms.registration.testsupport;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;
import uz.lms.registration.contracts.Topics;

/**
 * Records what is published on one topic from the moment it is started, on a thread of its own: the
 * tests' window on Kafka. Records published before the start are not seen; records published after
 * {@link #start} returns always are, since the start position is fixed on every partition before then.
 */
public final class TopicRecorder implements AutoCloseable {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<ConsumerRecord<String, byte[]>> records = new CopyOnWriteArrayList<>();
    private final Thread poller;
    private volatile @Nullable RuntimeException failure;

    private TopicRecorder(Map<String, Object> client, String topic) {
        consumer = new KafkaConsumer<>(client, new StringDeserializer(), new ByteArrayDeserializer());
        try {
            List<TopicPartition> partitions = partitionsOf(topic);
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            // seekToEnd is lazy: look the end offsets up now, or records produced meanwhile would be skipped.
            partitions.forEach(consumer::position);
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
        poller = Thread.ofPlatform().daemon().name("topic-recorder-" + topic).start(this::poll);
    }

    /** Records {@code topic} on the embedded broker of {@link EmbeddedInfrastructure}. */
    public static TopicRecorder start(String topic) {
        return start(EmbeddedInfrastructure.bootstrapServers(), topic);
    }

    /** Records {@code topic} on the broker at {@code bootstrapServers}. */
    public static TopicRecorder start(String bootstrapServers, String topic) {
        return new TopicRecorder(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic);
    }

    /** Records {@code topic} as the client {@code client} configures: a broker that wants credentials, say. */
    public static TopicRecorder start(Map<String, Object> client, String topic) {
        return new TopicRecorder(client, topic);
    }

    /** Everything recorded so far, in the order it arrived. */
    public List<ConsumerRecord<String, byte[]>> records() {
        if (failure != null) {
            throw new IllegalStateException("the recorder stopped reading", failure);
        }
        return List.copyOf(records);
    }

    /** The values recorded so far, read as JSON into {@code type}. */
    public <T> List<T> values(Class<T> type) {
        return records().stream()
                .map(record -> JSON.readValue(record.value(), type))
                .toList();
    }

    /** The values recorded so far under the user's key ({@link Topics#key}), read as JSON into {@code type}. */
    public <T> List<T> values(Class<T> type, long telegramId) {
        String key = Topics.key(telegramId);
        return records().stream()
                .filter(record -> key.equals(record.key()))
                .map(record -> JSON.readValue(record.value(), type))
                .toList();
    }

    @Override
    public void close() {
        consumer.wakeup();
        try {
            poller.join(PATIENCE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The topic's partitions, waiting for a topic that is still being created. */
    private List<TopicPartition> partitionsOf(String topic) {
        return await()
                .atMost(PATIENCE)
                .pollInSameThread()
                .until(() -> consumer.partitionsFor(topic, PATIENCE), partitions -> !partitions.isEmpty())
                .stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
    }

    private void poll() {
        try {
            while (true) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        } catch (WakeupException closing) {
            // close() was called
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            consumer.close();
        }
    }
}
