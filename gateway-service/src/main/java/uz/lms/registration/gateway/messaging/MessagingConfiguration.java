package uz.lms.registration.gateway.messaging;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.requestreply.ReplyingKafkaTemplate;
import org.springframework.kafka.support.serializer.JacksonJsonDeserializer;
import uz.lms.registration.contracts.RegisterUser;
import uz.lms.registration.contracts.RegistrationReply;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.contracts.VerificationReply;
import uz.lms.registration.contracts.VerifyCode;
import uz.lms.registration.gateway.GatewayProperties;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

/**
 * Request/reply with verification-service. The gateway owns one reply topic per command type,
 * shared by all its instances; each instance reads it in a consumer group of its own, so it sees
 * every reply and keeps the ones whose correlation id it is waiting for.
 */
@Configuration(proxyBeanMethods = false)
class MessagingConfiguration {

    static final String REGISTRATION_REPLIES = "gateway.registration.replies";
    static final String VERIFICATION_REPLIES = "gateway.verification.replies";
    private static final Duration ASSIGNMENT_WAIT = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(MessagingConfiguration.class);

    private final String instance = UUID.randomUUID().toString();

    @Bean
    NewTopic registrationReplies() {
        return replyTopic(REGISTRATION_REPLIES);
    }

    @Bean
    NewTopic verificationReplies() {
        return replyTopic(VERIFICATION_REPLIES);
    }

    @Bean
    ReplyingKafkaTemplate<String, RegisterUser, RegistrationReply> registrationTemplate(
            ProducerFactory<Object, Object> producers, ConcurrentKafkaListenerContainerFactory<Object, Object> containers,
            GatewayProperties properties) {
        return template(producers, containers, REGISTRATION_REPLIES, RegistrationReply.class, properties);
    }

    @Bean
    ReplyingKafkaTemplate<String, VerifyCode, VerificationReply> verificationTemplate(
            ProducerFactory<Object, Object> producers, ConcurrentKafkaListenerContainerFactory<Object, Object> containers,
            GatewayProperties properties) {
        return template(producers, containers, VERIFICATION_REPLIES, VerificationReply.class, properties);
    }

    @Bean
    Requester<RegisterUser, RegistrationReply> registrations(
            ReplyingKafkaTemplate<String, RegisterUser, RegistrationReply> template, GatewayProperties properties) {
        return new Requester<>(template, Topics.REGISTRATION_REQUESTS, properties.replyTimeout());
    }

    @Bean
    Requester<VerifyCode, VerificationReply> verifications(
            ReplyingKafkaTemplate<String, VerifyCode, VerificationReply> template, GatewayProperties properties) {
        return new Requester<>(template, Topics.VERIFICATION_REQUESTS, properties.replyTimeout());
    }

    /**
     * Replies are read from the latest offset, so a reply that arrives before the reply partitions are
     * assigned would be lost: start-up (and with it readiness) waits for the assignment.
     */
    @Bean
    ApplicationRunner awaitReplyAssignment(List<ReplyingKafkaTemplate<?, ?, ?>> templates) {
        return arguments -> {
            for (ReplyingKafkaTemplate<?, ?, ?> template : templates) {
                if (!template.waitForAssignment(ASSIGNMENT_WAIT)) {
                    log.warn("reply partitions not assigned within {}; readiness stays down until they are",
                            ASSIGNMENT_WAIT);
                }
            }
        };
    }

    private NewTopic replyTopic(String name) {
        // Replies are worth nothing after the reply timeout: keep them an hour.
        return TopicBuilder.name(name).partitions(3).config(TopicConfig.RETENTION_MS_CONFIG, "3600000").build();
    }

    @SuppressWarnings("unchecked")
    private <C, R> ReplyingKafkaTemplate<String, C, R> template(ProducerFactory<Object, Object> producers,
            ConcurrentKafkaListenerContainerFactory<Object, Object> containers, String replyTopic, Class<R> replyType,
            GatewayProperties properties) {
        ConcurrentMessageListenerContainer<Object, Object> container = containers.createContainer(replyTopic);
        container.getContainerProperties().setGroupId(replyTopic + "." + instance);
        Properties consumer = new Properties();
        consumer.setProperty(JacksonJsonDeserializer.VALUE_DEFAULT_TYPE, replyType.getName());
        container.getContainerProperties().setKafkaConsumerProperties(consumer);
        container.setBeanName(replyTopic + ".container");

        var template = new ReplyingKafkaTemplate<>((ProducerFactory<String, C>) (ProducerFactory<?, ?>) producers,
                (ConcurrentMessageListenerContainer<String, R>) (ConcurrentMessageListenerContainer<?, ?>) container);
        template.setDefaultReplyTimeout(properties.replyTimeout());
        // Every instance sees every reply; the ones for other instances are expected, not errors.
        template.setSharedReplyTopic(true);
        return template;
    }
}
