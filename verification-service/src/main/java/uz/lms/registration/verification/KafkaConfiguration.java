package uz.lms.registration.verification;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;
import uz.lms.registration.contracts.Topics;

import java.time.Duration;

/** The topics this service owns, and what happens to a record it cannot process. */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

    /** Codes are worthless after a minute; keep the topic that carries them short-lived. */
    private static final String CODE_RETENTION = String.valueOf(Duration.ofHours(1).toMillis());

    @Bean
    KafkaAdmin.NewTopics topics(VerificationProperties properties) {
        int partitions = properties.topicPartitions();
        return new KafkaAdmin.NewTopics(
                topic(Topics.REGISTRATION_REQUESTS, partitions).build(),
                topic(Topics.deadLetter(Topics.REGISTRATION_REQUESTS), partitions).build(),
                topic(Topics.VERIFICATION_REQUESTS, partitions).config(TopicConfig.RETENTION_MS_CONFIG, CODE_RETENTION).build(),
                topic(Topics.deadLetter(Topics.VERIFICATION_REQUESTS), partitions).config(TopicConfig.RETENTION_MS_CONFIG, CODE_RETENTION).build(),
                topic(Topics.VERIFICATION_CODES, partitions).config(TopicConfig.RETENTION_MS_CONFIG, CODE_RETENTION).build(),
                topic(Topics.USER_EVENTS, partitions).build());
    }

    /**
     * Unreadable or invalid records fail to deserialize and go straight to {@code <topic>-dlt} (same
     * partition); anything else, a database hiccup say, is retried a few times first. Either way the
     * consumer moves on.
     */
    @Bean
    CommonErrorHandler errorHandler(KafkaOperations<String, byte[]> template) {
        ExponentialBackOff backOff = new ExponentialBackOff(200, 2.0);
        backOff.setMaxAttempts(4);
        return new DefaultErrorHandler(new DeadLetterPublishingRecoverer(template), backOff);
    }

    private static TopicBuilder topic(String name, int partitions) {
        return TopicBuilder.name(name).partitions(partitions);
    }
}
