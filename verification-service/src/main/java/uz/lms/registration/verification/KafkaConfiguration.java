package uz.lms.registration.verification;

import java.time.Duration;
import java.util.Map;
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
    private static final String CODE_RETENTION =
            String.valueOf(Duration.ofHours(1).toMillis());

    @Bean
    KafkaAdmin.NewTopics topics(VerificationProperties properties) {
        int partitions = properties.topicPartitions();
        return new KafkaAdmin.NewTopics(
                topic(Topics.REGISTRATION_REQUESTS, partitions).build(),
                topic(Topics.deadLetter(Topics.REGISTRATION_REQUESTS), partitions)
                        .build(),
                topic(Topics.VERIFICATION_REQUESTS, partitions)
                        .config(TopicConfig.RETENTION_MS_CONFIG, CODE_RETENTION)
                        .build(),
                topic(Topics.deadLetter(Topics.VERIFICATION_REQUESTS), partitions)
                        .config(TopicConfig.RETENTION_MS_CONFIG, CODE_RETENTION)
                        .build(),
                topic(Topics.CHAT_REGISTRATIONS, partitions).build(),
                topic(Topics.deadLetter(Topics.CHAT_REGISTRATIONS), partitions).build(),
                // Codes typed in the chat pass here as they do on verification.requests.
                topic(Topics.CHAT_VERIFICATIONS, partitions)
                        .config(TopicConfig.RETENTION_MS_CONFIG, CODE_RETENTION)
                        .build(),
                topic(Topics.deadLetter(Topics.CHAT_VERIFICATIONS), partitions)
                        .config(TopicConfig.RETENTION_MS_CONFIG, CODE_RETENTION)
                        .build(),
                topic(Topics.VERIFICATION_CODES, partitions)
                        .config(TopicConfig.RETENTION_MS_CONFIG, CODE_RETENTION)
                        .build(),
                topic(Topics.USER_EVENTS, partitions).build());
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
