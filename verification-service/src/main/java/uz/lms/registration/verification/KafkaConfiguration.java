package uz.lms.registration.verification;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.serializer.JacksonJsonSerializer;
import org.springframework.util.backoff.ExponentialBackOff;
import uz.lms.registration.contracts.Topics;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

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
     * partition) as the bytes they came as; anything else, a database outage or a malformed reply
     * header say, is retried a few times first and then dead-lettered as JSON. Either way the
     * consumer moves on: by then the requester has given up waiting.
     */
    @Bean
    CommonErrorHandler errorHandler(KafkaTemplate<String, byte[]> template, ProducerFactory<String, byte[]> producers) {
        Map<Class<?>, KafkaOperations<?, ?>> templates = new LinkedHashMap<>();
        templates.put(byte[].class, template);
        templates.put(Object.class, new KafkaTemplate<>(producers, Map.of(
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, JacksonJsonSerializer.class,
                JacksonJsonSerializer.ADD_TYPE_INFO_HEADERS, false)));
        ExponentialBackOff backOff = new ExponentialBackOff(200, 2.0);
        backOff.setMaxAttempts(4);
        return new DefaultErrorHandler(new DeadLetterPublishingRecoverer(templates), backOff);
    }

    private static TopicBuilder topic(String name, int partitions) {
        return TopicBuilder.name(name).partitions(partitions);
    }
}
