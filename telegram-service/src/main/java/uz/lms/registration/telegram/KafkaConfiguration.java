package uz.lms.registration.telegram;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
import org.springframework.util.backoff.ExponentialBackOff;
import uz.lms.registration.contracts.Topics;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** The topics this service owns, and what happens to a record it cannot process. */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

    /**
     * Chat updates may hold a code a user typed, and codes live a minute; an hour covers any
     * outage a user would still wait through.
     */
    private static final String SHORT_RETENTION = String.valueOf(Duration.ofHours(1).toMillis());

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

    /**
     * Unreadable records fail to deserialize and go straight to {@code <topic>-dlt} as the bytes they
     * came as; anything else is retried a few times first. Either way the consumer moves on.
     */
    @Bean
    CommonErrorHandler errorHandler(KafkaTemplate<Object, Object> template, ProducerFactory<Object, Object> producers) {
        Map<Class<?>, KafkaOperations<?, ?>> templates = new LinkedHashMap<>();
        templates.put(byte[].class, new KafkaTemplate<>(producers,
                Map.of(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)));
        templates.put(Object.class, template);
        ExponentialBackOff backOff = new ExponentialBackOff(200, 2.0);
        backOff.setMaxAttempts(4);
        return new DefaultErrorHandler(new DeadLetterPublishingRecoverer(templates), backOff);
    }

    private static NewTopic shortLived(String name, int partitions) {
        return TopicBuilder.name(name).partitions(partitions).config(TopicConfig.RETENTION_MS_CONFIG, SHORT_RETENTION)
                .build();
    }
}
