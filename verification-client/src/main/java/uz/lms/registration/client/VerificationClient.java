package uz.lms.registration.client;

import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.observation.ObservationRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.requestreply.ReplyingKafkaTemplate;
import org.springframework.kafka.support.serializer.JacksonJsonDeserializer;
import uz.lms.registration.contracts.RegisterUser;
import uz.lms.registration.contracts.RegistrationReply;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.contracts.VerificationReply;
import uz.lms.registration.contracts.VerifyCode;

/**
 * Request/reply with verification-service over Kafka: how the gateway, the bot and the tests send it
 * commands. The requesting service owns two reply topics, {@code <requester>.registration.replies} and
 * {@code <requester>.verification.replies}, shared by all its instances; each instance reads each of
 * them in a consumer group of its own, {@code <reply topic>.<instance id>}, so that it sees every
 * reply and keeps the ones whose correlation id it waits for.
 *
 * <p>A request's future completes within the reply timeout, with the reply or with the reason there
 * is none. Each command carries a deadline a fifth of the reply timeout before it, after which
 * verification-service drops it unapplied: a request that failed changed nothing. The deadline is
 * wall-clock time, the one clock requester and service share; the send itself runs off the caller's thread, since a send blocked on broker metadata must
 * not hold it.
 *
 * <p>Each command carries its caller's trace in a W3C {@code traceparent} header: the templates are observed, and the
 * caller's context (its HTTP request's span, say) follows the send to the thread that makes it. Replies are not
 * observed: every instance reads every reply, so each reply would get a span per instance, all but one of them for a
 * reply the instance drops; the caller's own span already ends when its reply arrives.
 */
public final class VerificationClient implements SmartLifecycle, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(VerificationClient.class);
    private static final Duration ASSIGNMENT_WAIT = Duration.ofSeconds(30);
    /** Replies are worth nothing after the reply timeout; an hour is plenty. */
    private static final String REPLY_RETENTION =
            String.valueOf(Duration.ofHours(1).toMillis());

    private static final Executor SENDERS =
            task -> Thread.ofVirtual().name("verification-request").start(task);
    /** What is current on the caller's thread (its observation, so its span), to be restored where the send runs. */
    private static final ContextSnapshotFactory CALLERS_CONTEXT =
            ContextSnapshotFactory.builder().build();

    private final CommandTopics commandTopics;
    private final String registrationReplies;
    private final String verificationReplies;
    private final int replyPartitions;
    private final Duration replyTimeout;
    private final Duration deadline;
    private final ReplyingKafkaTemplate<String, Object, RegistrationReply> registrations;
    private final ReplyingKafkaTemplate<String, Object, VerificationReply> verifications;
    private volatile boolean running;

    /**
     * @param producers       JSON values without type headers, as the contract wants them
     * @param consumers       JSON values without type headers; the reply type is set here
     * @param requester       the requesting service, whose name prefixes its reply topics
     * @param commandTopics   the requesting service's own command topics
     * @param replyTimeout    how long a request waits for its reply
     * @param replyPartitions partitions of the reply topics
     * @param observations    observes each send, so that the command carries its caller's trace
     */
    public VerificationClient(
            ProducerFactory<String, Object> producers,
            ConsumerFactory<String, Object> consumers,
            String requester,
            CommandTopics commandTopics,
            Duration replyTimeout,
            int replyPartitions,
            ObservationRegistry observations) {
        this.commandTopics = commandTopics;
        this.registrationReplies = requester + ".registration.replies";
        this.verificationReplies = requester + ".verification.replies";
        this.replyPartitions = replyPartitions;
        this.replyTimeout = replyTimeout;
        // A fifth of the wait is left for the reply to travel back: a command applied by its deadline is answered in
        // time.
        this.deadline = replyTimeout.minus(replyTimeout.dividedBy(5));
        String instance = UUID.randomUUID().toString();
        this.registrations =
                template(producers, consumers, registrationReplies, instance, RegistrationReply.class, observations);
        this.verifications =
                template(producers, consumers, verificationReplies, instance, VerificationReply.class, observations);
    }

    /** verification-service's reply; fails when none comes within the reply timeout. */
    public CompletableFuture<RegistrationReply> register(RegisterUser command) {
        return request(registrations, commandTopics.registrations(), "register", command.telegramId(), command);
    }

    /** verification-service's reply; fails when none comes within the reply timeout. */
    public CompletableFuture<VerificationReply> verify(VerifyCode command) {
        return request(verifications, commandTopics.verifications(), "verify", command.telegramId(), command);
    }

    /** The reply topics, for the requesting service to declare: they are its own (see the contract). */
    public KafkaAdmin.NewTopics replyTopics() {
        return new KafkaAdmin.NewTopics(replyTopic(registrationReplies), replyTopic(verificationReplies));
    }

    /** For readiness: whether replies can be received, i.e. every reply topic has partitions assigned. */
    public boolean replyPartitionsAssigned() {
        return assigned(registrations.getAssignedReplyTopicPartitions())
                && assigned(verifications.getAssignedReplyTopicPartitions());
    }

    /**
     * Replies are read from the latest offset, so a reply that arrives before the reply partitions are
     * assigned would be lost: starting waits for the assignment.
     */
    @Override
    public void start() {
        registrations.start();
        verifications.start();
        try {
            if (!registrations.waitForAssignment(ASSIGNMENT_WAIT)
                    || !verifications.waitForAssignment(ASSIGNMENT_WAIT)) {
                log.warn(
                        "reply partitions not assigned within {}; replies may be missed until they are",
                        ASSIGNMENT_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        registrations.stop();
        verifications.stop();
    }

    @Override
    public void destroy() {
        registrations.destroy();
        verifications.destroy();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Before the listener containers (which start at {@code Integer.MAX_VALUE - 100}) and the web server. */
    @Override
    public int getPhase() {
        return 0;
    }

    private <R> CompletableFuture<R> request(
            ReplyingKafkaTemplate<String, Object, R> template,
            String topic,
            String command,
            long telegramId,
            Object value) {
        ProducerRecord<String, Object> record = new ProducerRecord<>(topic, Topics.key(telegramId), value);
        record.headers()
                .add(
                        Topics.DEADLINE_HEADER,
                        Instant.now().plus(deadline).toString().getBytes(StandardCharsets.US_ASCII));
        ContextSnapshot caller = CALLERS_CONTEXT.captureAll();
        return CompletableFuture.supplyAsync(() -> template.sendAndReceive(record), caller.wrapExecutor(SENDERS))
                .<ConsumerRecord<String, R>>thenCompose(reply -> reply)
                .thenApply(ConsumerRecord::value)
                .orTimeout(replyTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((reply, failure) -> {
                    if (failure == null) {
                        return;
                    }
                    // In the caller's trace, whichever thread saw the reply timeout.
                    try (var scope = caller.setThreadLocals()) {
                        log.warn(
                                "{} telegram_id={}: no usable reply from verification-service within {} ({})",
                                command,
                                telegramId,
                                replyTimeout,
                                reason(failure));
                    }
                });
    }

    /** The exception's type, never its message: that may quote a record, phone number and all. */
    private static String reason(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName();
    }

    private NewTopic replyTopic(String name) {
        return TopicBuilder.name(name)
                .partitions(replyPartitions)
                .config(TopicConfig.RETENTION_MS_CONFIG, REPLY_RETENTION)
                .build();
    }

    private static boolean assigned(@Nullable Collection<?> partitions) {
        return partitions != null && !partitions.isEmpty();
    }

    private <R> ReplyingKafkaTemplate<String, Object, R> template(
            ProducerFactory<String, Object> producers,
            ConsumerFactory<String, Object> consumers,
            String replyTopic,
            String instance,
            Class<R> replyType,
            ObservationRegistry observations) {
        ContainerProperties properties = new ContainerProperties(replyTopic);
        // One group per reply topic: sharing one would make each container's start rebalance the other.
        properties.setGroupId(replyTopic + "." + instance);
        Properties consumer = new Properties();
        consumer.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        // The group is this instance's alone and starts from the latest offset: its committed offsets are never read.
        // The client's periodic commit in the background instead of the container's synchronous one after every poll.
        consumer.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "true");
        consumer.setProperty(JacksonJsonDeserializer.VALUE_DEFAULT_TYPE, replyType.getName());
        properties.setKafkaConsumerProperties(consumer);
        var container = new ConcurrentMessageListenerContainer<String, R>(consumers, properties);
        container.setBeanName(replyTopic + ".container");

        var template = new UnobservedReplyTemplate<>(producers, container);
        // Not a bean: the template is given what Spring gives the templates it makes.
        template.setObservationEnabled(true);
        template.setObservationRegistry(observations);
        template.setDefaultReplyTimeout(replyTimeout);
        // Every instance sees every reply; the ones for other instances are expected, not errors.
        template.setSharedReplyTopic(true);
        template.afterPropertiesSet();
        return template;
    }
}
