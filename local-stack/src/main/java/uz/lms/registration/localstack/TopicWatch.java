package uz.lms.registration.localstack;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code ./run.sh watch}: prints every record on every topic (the contract's, their dead letters and the
 * reply topics) from the beginning, as it passes, so a developer can follow the flow without Kafka's
 * tools. The codes on {@code verification.codes} are masked.
 */
final class TopicWatch {

    private static final Pattern ALL_BUT_INTERNAL = Pattern.compile("[^_].*");
    private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"[^\"]*\"");

    private TopicWatch() {
    }

    static void watch(String bootstrapServers, PrintStream out) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "local-watch-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.METADATA_MAX_AGE_CONFIG, 5000),
                new StringDeserializer(), new StringDeserializer())) {
            Thread main = Thread.currentThread();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                consumer.wakeup();
                try {
                    main.join(5000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "topic-watch-shutdown"));
            consumer.subscribe(ALL_BUT_INTERNAL);
            out.println("Watching every topic on " + bootstrapServers + " (Ctrl-C stops)");
            while (true) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(1))) {
                    out.println(line(record));
                }
            }
        } catch (WakeupException stopped) {
            out.println("Stopped watching.");
        }
    }

    static String line(ConsumerRecord<String, String> record) {
        String value = record.value() == null ? "null" : CODE.matcher(record.value()).replaceAll("\"code\":\"******\"");
        return Instant.ofEpochMilli(record.timestamp()) + "  " + record.topic() + "  key=" + record.key() + "  " + value;
    }
}
