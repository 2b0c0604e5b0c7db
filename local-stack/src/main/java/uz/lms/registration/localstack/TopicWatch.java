package uz.lms.registration.localstack;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code ./run.sh watch}: prints every record on every topic (the contract's, their dead letters and the
 * reply topics) from the beginning, as it passes, so a developer can follow the flow without Kafka's
 * tools. What an operator has no business reading is masked on every topic, dead letters included:
 * codes ({@code code}, {@code verification_code}), phone numbers, and what people type to the bot
 * (the {@code text} on {@code telegram.updates}). A value that is not a JSON object cannot be told
 * apart, so it is not shown at all: a forged or broken record could carry anything.
 */
final class TopicWatch {

    private static final Pattern ALL_BUT_INTERNAL = Pattern.compile("[^_].*");
    private static final String MASK = "******";
    /** {@code text}: what people type to the bot, on {@code telegram.updates}, may be a code. */
    private static final Set<String> MASKED_FIELDS = Set.of("code", "verification_code", "phone_number", "text");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private TopicWatch() {}

    static void watch(String bootstrapServers, PrintStream out) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "local-watch-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.METADATA_MAX_AGE_CONFIG,
                        5000),
                new StringDeserializer(),
                new StringDeserializer())) {
            Thread main = Thread.currentThread();
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                consumer.wakeup();
                                try {
                                    main.join(5000);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            },
                            "topic-watch-shutdown"));
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
        return Instant.ofEpochMilli(record.timestamp()) + "  " + record.topic() + "  key=" + record.key() + "  "
                + masked(record.value());
    }

    private static String masked(String value) {
        if (value == null) {
            return "null";
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(value);
        } catch (JacksonException notJson) {
            tree = null;
        }
        if (tree == null || !tree.isObject()) {
            return "(" + value.length() + " characters, not a JSON object: hidden)";
        }
        mask(tree);
        return tree.toString();
    }

    /** Masks the fields by name at any depth: a contact's phone number sits inside the message. */
    private static void mask(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (String name : List.copyOf(object.propertyNames())) {
                if (MASKED_FIELDS.contains(name)) {
                    object.put(name, MASK);
                } else {
                    mask(object.get(name));
                }
            }
        } else if (node.isArray()) {
            node.forEach(TopicWatch::mask);
        }
    }
}
