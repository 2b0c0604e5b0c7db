package uz.lms.registration.telegram;

import java.time.Duration;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import uz.lms.registration.contracts.Topics;

/**
 * The topics this service owns: its own, what it alone publishes, and the dead-letter topics of what it
 * consumes. kafka-support gives its listeners their error handler and readiness.
 */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

    /**
     * Chat updates may hold a code a user typed, and codes live a minute; an hour covers any
     * outage a user would still wait through.
     */
    private static final String SHORT_RETENTION =
            String.valueOf(Duration.ofHours(1).toMillis());

    @Bean
    KafkaAdmin.NewTopics topics(TelegramProperties properties) {
        int partitions = properties.topicPartitions();
        return new KafkaAdmin.NewTopics(
                shortLived(TelegramTopics.POLLER, 1),
                shortLived(TelegramTopics.UPDATES, partitions),
                shortLived(Topics.deadLetter(TelegramTopics.UPDATES), partitions),
                shortLived(Topics.deadLetter(Topics.VERIFICATION_CODES), partitions),
                TopicBuilder.name(Topics.CODE_DELIVERIES).partitions(partitions).build());
    }

    private static NewTopic shortLived(String name, int partitions) {
        return TopicBuilder.name(name)
                .partitions(partitions)
                .config(TopicConfig.RETENTION_MS_CONFIG, SHORT_RETENTION)
                .build();
    }
}
