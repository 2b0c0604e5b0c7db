package uz.lms.registration.verification;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.util.StringUtils;
import uz.lms.registration.contracts.Topics;

/**
 * The topics this service owns (the commands it consumes, their dead-letter topics, and what it alone
 * publishes) and how its consumers join their groups. kafka-support gives its listeners their error handler
 * and readiness.
 */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

    /** Codes are worthless after a minute; keep the topics that carry them short-lived. */
    private static final Map<String, String> KEEP_CODES = Map.of(
            TopicConfig.RETENTION_MS_CONFIG, String.valueOf(Duration.ofHours(1).toMillis()));

    @Bean
    KafkaAdmin.NewTopics topics(VerificationProperties properties) {
        int partitions = properties.topicPartitions();
        List<NewTopic> topics = new ArrayList<>();
        topics.addAll(withDeadLetter(Topics.REGISTRATION_REQUESTS, partitions, Map.of()));
        topics.addAll(withDeadLetter(Topics.VERIFICATION_REQUESTS, partitions, KEEP_CODES));
        topics.addAll(withDeadLetter(Topics.CHAT_REGISTRATIONS, partitions, Map.of()));
        // Codes typed in the chat pass here as they do on verification.requests.
        topics.addAll(withDeadLetter(Topics.CHAT_VERIFICATIONS, partitions, KEEP_CODES));
        topics.add(
                topic(Topics.VERIFICATION_CODES, partitions).configs(KEEP_CODES).build());
        topics.add(topic(Topics.USER_EVENTS, partitions).build());
        return new KafkaAdmin.NewTopics(topics.toArray(NewTopic[]::new));
    }

    /** A command topic and its dead-letter topic, which keeps what it keeps. */
    private static List<NewTopic> withDeadLetter(String topic, int partitions, Map<String, String> configs) {
        return Stream.of(topic, Topics.deadLetter(topic))
                .map(name -> topic(name, partitions).configs(configs).build())
                .toList();
    }

    /** A restarted instance rejoins as the member it was, keeping its partitions with no rebalance. */
    @Bean
    DefaultKafkaConsumerFactoryCustomizer staticMembership(VerificationProperties properties) {
        return consumers -> {
            if (StringUtils.hasText(properties.instanceId())) {
                consumers.updateConfigs(Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, properties.instanceId()));
            }
        };
    }

    private static TopicBuilder topic(String name, int partitions) {
        return TopicBuilder.name(name).partitions(partitions);
    }
}
