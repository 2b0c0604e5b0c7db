package uz.lms.registration.testsupport;

import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.springframework.kafka.support.KafkaHeaders;
import tools.jackson.databind.json.JsonMapper;
import uz.lms.registration.contracts.DeliverCode;
import uz.lms.registration.contracts.RegisterUser;
import uz.lms.registration.contracts.RegistrationOutcome;
import uz.lms.registration.contracts.RegistrationReply;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.contracts.VerificationOutcome;
import uz.lms.registration.contracts.VerificationReply;
import uz.lms.registration.contracts.VerifyCode;

/**
 * verification-service as the gateway and the bot see it, scripted by the test, so that each of them is
 * tested alone on the embedded broker. From the moment it is started it reads the command topics, records
 * every command, and answers each on the reply topic and correlation id the record's headers name (spring-kafka's
 * request/reply, as the real service does) with the outcome scripted for the user, else the default one.
 * Answering {@link RegistrationOutcome.CodeSent} it first publishes a {@link DeliverCode} on
 * {@link Topics#VERIFICATION_CODES}, as the real service does when it issues a code. It keeps no rules of its
 * own (cooldowns, quotas, attempts): those are verification-service's, and tested there.
 */
public final class FakeVerifier implements AutoCloseable {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<String> COMMAND_TOPICS = List.of(
            Topics.REGISTRATION_REQUESTS,
            Topics.VERIFICATION_REQUESTS,
            Topics.CHAT_REGISTRATIONS,
            Topics.CHAT_VERIFICATIONS);

    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final Thread answerer;
    private final Map<Long, RegistrationOutcome> registrationOutcomes = new ConcurrentHashMap<>();
    private final Map<Long, VerificationOutcome> verificationOutcomes = new ConcurrentHashMap<>();
    private final List<RegisterUser> registrations = new CopyOnWriteArrayList<>();
    private final List<VerifyCode> verifications = new CopyOnWriteArrayList<>();
    private final List<DeliverCode> codes = new CopyOnWriteArrayList<>();
    private final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
    // What the real service answers a first registration, and a code of a user it does not know.
    private volatile RegistrationOutcome defaultRegistration = new RegistrationOutcome.CodeSent(60);
    private volatile VerificationOutcome defaultVerification = new VerificationOutcome.InvalidOrExpiredCode();
    private volatile boolean silent;
    private volatile @Nullable RuntimeException failure;

    private FakeVerifier(String bootstrapServers) {
        createTopics(bootstrapServers);
        consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                new StringDeserializer(),
                new ByteArrayDeserializer());
        producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.LINGER_MS_CONFIG, 0),
                new StringSerializer(),
                new ByteArraySerializer());
        try {
            List<TopicPartition> partitions =
                    COMMAND_TOPICS.stream().flatMap(this::partitionsOf).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            // seekToEnd is lazy: look the end offsets up now, or commands sent meanwhile would be skipped.
            partitions.forEach(consumer::position);
        } catch (RuntimeException e) {
            consumer.close();
            producer.close();
            throw e;
        }
        answerer = Thread.ofPlatform().daemon().name("fake-verifier").start(this::answer);
    }

    /** A fake verification-service on the embedded broker of {@link EmbeddedInfrastructure}, answering from now on. */
    public static FakeVerifier start() {
        return new FakeVerifier(EmbeddedInfrastructure.bootstrapServers());
    }

    /** Answers every user's registrations with {@code outcome}, but for users given one of their own. */
    public FakeVerifier answerRegistrations(RegistrationOutcome outcome) {
        defaultRegistration = outcome;
        return this;
    }

    /** Answers this user's registrations with {@code outcome} from now on. */
    public FakeVerifier answerRegistrations(long telegramId, RegistrationOutcome outcome) {
        registrationOutcomes.put(telegramId, outcome);
        return this;
    }

    /** Answers every user's verifications with {@code outcome}, but for users given one of their own. */
    public FakeVerifier answerVerifications(VerificationOutcome outcome) {
        defaultVerification = outcome;
        return this;
    }

    /** Answers this user's verifications with {@code outcome} from now on. */
    public FakeVerifier answerVerifications(long telegramId, VerificationOutcome outcome) {
        verificationOutcomes.put(telegramId, outcome);
        return this;
    }

    /** Reads and records commands but answers none and issues no code, as a service that stalls. */
    public void staySilent() {
        silent = true;
    }

    /** Answers again the commands read from now on; those read while silent stay unanswered. */
    public void answerAgain() {
        silent = false;
    }

    /** The register commands this user's requests caused so far, in the order they arrived. */
    public List<RegisterUser> registrations(long telegramId) {
        return of(telegramId, registrations, RegisterUser::telegramId);
    }

    /** The verify commands this user's requests caused so far, in the order they arrived. */
    public List<VerifyCode> verifications(long telegramId) {
        return of(telegramId, verifications, VerifyCode::telegramId);
    }

    /** The topics this user's commands came on so far, in the order they arrived. */
    public List<String> topicsOf(long telegramId) {
        return of(telegramId, arrivals, Arrival::telegramId).stream()
                .map(Arrival::topic)
                .toList();
    }

    /** The codes published on {@link Topics#VERIFICATION_CODES} for this user so far. */
    public List<DeliverCode> codesIssued(long telegramId) {
        return of(telegramId, codes, DeliverCode::telegramId);
    }

    @Override
    public void close() {
        consumer.wakeup();
        try {
            answerer.join(PATIENCE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private <T> List<T> of(long telegramId, List<T> all, ToLongFunction<T> user) {
        if (failure != null) {
            throw new IllegalStateException("the fake verifier stopped answering", failure);
        }
        return all.stream().filter(item -> user.applyAsLong(item) == telegramId).toList();
    }

    private void answer() {
        try {
            while (true) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    if (record.topic().equals(Topics.REGISTRATION_REQUESTS)
                            || record.topic().equals(Topics.CHAT_REGISTRATIONS)) {
                        register(record);
                    } else {
                        verify(record);
                    }
                }
            }
        } catch (WakeupException closing) {
            // close() was called
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            consumer.close();
            producer.close();
        }
    }

    private void register(ConsumerRecord<String, byte[]> record) {
        RegisterUser command = JSON.readValue(record.value(), RegisterUser.class);
        arrivals.add(new Arrival(command.telegramId(), record.topic()));
        registrations.add(command);
        if (silent) {
            return;
        }
        RegistrationOutcome outcome = registrationOutcomes.getOrDefault(command.telegramId(), defaultRegistration);
        if (outcome instanceof RegistrationOutcome.CodeSent(long expiresIn)) {
            Instant now = Instant.now();
            DeliverCode code = new DeliverCode(
                    UUID.randomUUID(),
                    now,
                    command.telegramId(),
                    "%06d".formatted(ThreadLocalRandom.current().nextInt(1_000_000)),
                    now.plusSeconds(expiresIn),
                    command.language(),
                    command.occurredAt());
            codes.add(code);
            publish(new ProducerRecord<>(
                    Topics.VERIFICATION_CODES, Topics.key(command.telegramId()), JSON.writeValueAsBytes(code)));
        }
        reply(
                record,
                command.telegramId(),
                new RegistrationReply(UUID.randomUUID(), Instant.now(), command.telegramId(), outcome));
    }

    private void verify(ConsumerRecord<String, byte[]> record) {
        VerifyCode command = JSON.readValue(record.value(), VerifyCode.class);
        arrivals.add(new Arrival(command.telegramId(), record.topic()));
        verifications.add(command);
        if (silent) {
            return;
        }
        reply(
                record,
                command.telegramId(),
                new VerificationReply(
                        UUID.randomUUID(),
                        Instant.now(),
                        command.telegramId(),
                        verificationOutcomes.getOrDefault(command.telegramId(), defaultVerification)));
    }

    /** To the reply topic (and partition) the command names, with its correlation id; nobody, if it names none. */
    private void reply(ConsumerRecord<String, byte[]> command, long telegramId, Object reply) {
        Header topic = command.headers().lastHeader(KafkaHeaders.REPLY_TOPIC);
        if (topic == null) {
            return;
        }
        Header partition = command.headers().lastHeader(KafkaHeaders.REPLY_PARTITION);
        var record = new ProducerRecord<>(
                new String(topic.value(), StandardCharsets.UTF_8),
                partition == null ? null : ByteBuffer.wrap(partition.value()).getInt(),
                Topics.key(telegramId),
                JSON.writeValueAsBytes(reply));
        Header correlation = command.headers().lastHeader(KafkaHeaders.CORRELATION_ID);
        if (correlation != null) {
            record.headers().add(KafkaHeaders.CORRELATION_ID, correlation.value());
        }
        publish(record);
    }

    private void publish(ProducerRecord<String, byte[]> record) {
        try {
            producer.send(record).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not publish on " + record.topic(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted publishing on " + record.topic(), e);
        }
    }

    /** The topics verification-service owns and creates; the broker's defaults give them their partitions. */
    private static void createTopics(String bootstrapServers) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            var created = admin.createTopics(
                            Stream.concat(COMMAND_TOPICS.stream(), Stream.of(Topics.VERIFICATION_CODES))
                                    .map(topic -> new NewTopic(topic, Optional.empty(), Optional.empty()))
                                    .toList())
                    .values();
            for (var topic : created.entrySet()) {
                try {
                    topic.getValue().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("could not create " + topic.getKey(), e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** The topic's partitions, waiting for a topic that is still being created. */
    private Stream<TopicPartition> partitionsOf(String topic) {
        return await()
                .atMost(PATIENCE)
                .pollInSameThread()
                .until(() -> consumer.partitionsFor(topic, PATIENCE), partitions -> !partitions.isEmpty())
                .stream()
                .map(info -> new TopicPartition(topic, info.partition()));
    }

    private record Arrival(long telegramId, String topic) {}
}
