package uz.lms.registration.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.transaction.CannotCreateTransactionException;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.testsupport.EmbeddedInfrastructure;
import uz.lms.registration.testsupport.TopicRecorder;

/** The error handler on the embedded broker, with a listener that fails as told. */
class DeadLettersTests {

    private final String topic = "dead-letters-tests-" + UUID.randomUUID();
    private final DefaultKafkaProducerFactory<String, String> producers = new DefaultKafkaProducerFactory<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedInfrastructure.bootstrapServers()),
            new StringSerializer(),
            new StringSerializer());
    private final List<String> processed = new CopyOnWriteArrayList<>();
    private final AtomicInteger tries = new AtomicInteger();
    private final MeterRegistry meters = new SimpleMeterRegistry();
    private KafkaMessageListenerContainer<String, String> container;
    private TopicRecorder deadLetters;

    @AfterEach
    void stop() {
        container.stop();
        deadLetters.close();
        producers.destroy();
    }

    @Test
    void aRecordFailingOnADatabaseOutageIsRetriedUntilTheOutageEndsAndNeverDeadLettered() throws Exception {
        // Far more tries than any other failure gets: about ten seconds of outage.
        start(
                () -> {
                    throw new CannotCreateTransactionException("database away", new SQLTransientConnectionException());
                },
                8);

        new KafkaTemplate<>(producers).send(topic, "1", "after the outage").get();

        await().atMost(Duration.ofSeconds(60)).until(() -> processed.contains("after the outage"));
        assertThat(tries).hasValue(9);
        assertThat(deadLetters.records()).isEmpty();
        assertThat(meters.find("kafka.dead.letters").counter()).isNull();
    }

    @Test
    void aRecordThatFailsEveryTryForAnotherReasonIsDeadLetteredAfterAFewTriesAndCountedByItsTopic() throws Exception {
        start(
                () -> {
                    throw new DataIntegrityViolationException("refused");
                },
                Integer.MAX_VALUE);

        new KafkaTemplate<>(producers).send(topic, "1", "never").get();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(deadLetters.records()).extracting(ConsumerRecord::key).containsExactly("1");
            assertThat(meters.counter("kafka.dead.letters", "topic", topic).count())
                    .isOne();
        });
        assertThat(tries).hasValue(5);
    }

    /** Listens to a topic of its own, failing the first {@code failures} tries with {@code failure}. */
    private void start(Runnable failure, int failures) throws Exception {
        try (Admin admin = Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedInfrastructure.bootstrapServers()))) {
            admin.createTopics(List.of(
                            new NewTopic(topic, 1, (short) 1), new NewTopic(Topics.deadLetter(topic), 1, (short) 1)))
                    .all()
                    .get();
        }
        deadLetters = TopicRecorder.start(Topics.deadLetter(topic));
        var consumers = new DefaultKafkaConsumerFactory<String, String>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        EmbeddedInfrastructure.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        topic,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new StringDeserializer(),
                new StringDeserializer());
        var properties = new ContainerProperties(topic);
        properties.setMessageListener((MessageListener<String, String>) record -> {
            if (tries.incrementAndGet() <= failures) {
                failure.run();
            }
            processed.add(record.value());
        });
        container = new KafkaMessageListenerContainer<>(consumers, properties);
        container.setCommonErrorHandler(DeadLetters.errorHandler(producers, meters));
        container.start();
    }
}
