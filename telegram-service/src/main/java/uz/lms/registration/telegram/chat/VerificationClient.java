package uz.lms.registration.telegram.chat;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.requestreply.ReplyingKafkaTemplate;
import org.springframework.kafka.support.serializer.JacksonJsonDeserializer;
import org.springframework.stereotype.Component;
import uz.lms.registration.contracts.RegisterUser;
import uz.lms.registration.contracts.RegistrationOutcome;
import uz.lms.registration.contracts.RegistrationReply;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.contracts.VerificationOutcome;
import uz.lms.registration.contracts.VerificationReply;
import uz.lms.registration.contracts.VerifyCode;
import uz.lms.registration.telegram.TelegramProperties;
import uz.lms.registration.telegram.TelegramTopics;
import uz.lms.registration.telegram.bot.ConditionalOnBotToken;

import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Request/reply with verification-service over Kafka. Every instance reads the shared reply topics
 * in a consumer group of its own and picks its replies by correlation id; it starts before the
 * listeners and the poller, and waits for its reply partitions, so no early reply is missed.
 */
@Component
@ConditionalOnBotToken
class VerificationClient implements SmartLifecycle, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(VerificationClient.class);
    private static final Duration ASSIGNMENT_TIMEOUT = Duration.ofSeconds(30);

    private final ReplyingKafkaTemplate<String, Object, RegistrationReply> registrations;
    private final ReplyingKafkaTemplate<String, Object, VerificationReply> verifications;
    private final Duration replyTimeout;
    private volatile boolean running;

    VerificationClient(ProducerFactory<String, Object> producers,
                       ConcurrentKafkaListenerContainerFactory<String, Object> containers,
                       TelegramProperties properties) {
        // One group per reply topic: sharing one would make each container's start rebalance the other.
        String instance = UUID.randomUUID().toString();
        this.replyTimeout = properties.replyTimeout();
        this.registrations = template(producers, containers, TelegramTopics.REGISTRATION_REPLIES,
                TelegramTopics.REGISTRATION_REPLIES + "-" + instance, RegistrationReply.class, replyTimeout);
        this.verifications = template(producers, containers, TelegramTopics.VERIFICATION_REPLIES,
                TelegramTopics.VERIFICATION_REPLIES + "-" + instance, VerificationReply.class, replyTimeout);
    }

    /** Empty when verification-service did not answer within {@code telegram.reply-timeout}. */
    Optional<RegistrationOutcome> register(RegisterUser command) throws InterruptedException {
        return request(registrations, Topics.REGISTRATION_REQUESTS, command.telegramId(), command)
                .map(RegistrationReply::outcome);
    }

    /** Empty when verification-service did not answer within {@code telegram.reply-timeout}. */
    Optional<VerificationOutcome> verify(VerifyCode command) throws InterruptedException {
        return request(verifications, Topics.VERIFICATION_REQUESTS, command.telegramId(), command)
                .map(VerificationReply::outcome);
    }

    private <R> Optional<R> request(ReplyingKafkaTemplate<String, Object, R> template, String topic, long telegramId,
                                    Object command) throws InterruptedException {
        try {
            return Optional.of(template.sendAndReceive(new ProducerRecord<>(topic, Topics.key(telegramId), command))
                    .get(replyTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS).value());
        } catch (ExecutionException | TimeoutException e) {
            log.warn("no reply from verification-service topic={} telegram_id={} error={}", topic, telegramId,
                    e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public void start() {
        registrations.start();
        verifications.start();
        try {
            if (!registrations.waitForAssignment(ASSIGNMENT_TIMEOUT)
                    || !verifications.waitForAssignment(ASSIGNMENT_TIMEOUT)) {
                log.warn("reply topics not assigned within {}; early replies may be missed", ASSIGNMENT_TIMEOUT);
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

    /** Before the listener containers (which start at {@code Integer.MAX_VALUE - 100}), after them on stop. */
    @Override
    public int getPhase() {
        return 0;
    }

    @SuppressWarnings("unchecked")
    private static <R> ReplyingKafkaTemplate<String, Object, R> template(
            ProducerFactory<String, Object> producers, ConcurrentKafkaListenerContainerFactory<String, Object> containers,
            String replyTopic, String group, Class<R> replyType, Duration replyTimeout) {
        ConcurrentMessageListenerContainer<String, R> container =
                (ConcurrentMessageListenerContainer<String, R>) (Object) containers.createContainer(replyTopic);
        container.getContainerProperties().setGroupId(group);
        Properties consumer = new Properties();
        consumer.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        consumer.setProperty(JacksonJsonDeserializer.VALUE_DEFAULT_TYPE, replyType.getName());
        container.getContainerProperties().setKafkaConsumerProperties(consumer);
        ReplyingKafkaTemplate<String, Object, R> template = new ReplyingKafkaTemplate<>(producers, container);
        template.setSharedReplyTopic(true);
        template.setDefaultReplyTimeout(replyTimeout);
        template.afterPropertiesSet();
        return template;
    }
}
