package uz.lms.registration.kafka;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.serializer.JacksonJsonSerializer;
import org.springframework.util.backoff.ExponentialBackOff;
import uz.lms.registration.contracts.Topics;

import java.util.LinkedHashMap;
import java.util.Map;

/** What a consuming service does with a record it cannot process: the one error handler of every listener. */
public final class DeadLetters {

    private DeadLetters() {
    }

    /**
     * A record that fails to deserialize (unreadable, or invalid for its contract record) goes at once
     * to {@code <topic>-dlt}, same partition, as the bytes it came as. Anything else, a database outage
     * or a malformed header say, is retried a few times within about three seconds and then
     * dead-lettered as JSON. Either way the consumer moves on: by then a requester has given up waiting.
     *
     * @param producers the service's producer factory; the dead letters' serializers replace its own
     */
    public static CommonErrorHandler errorHandler(ProducerFactory<?, ?> producers) {
        Map<Class<?>, KafkaOperations<?, ?>> templates = new LinkedHashMap<>();
        templates.put(byte[].class, new KafkaTemplate<>(producers, Map.of(
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)));
        templates.put(Object.class, new KafkaTemplate<>(producers, Map.of(
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, JacksonJsonSerializer.class,
                JacksonJsonSerializer.ADD_TYPE_INFO_HEADERS, false)));
        var recoverer = new DeadLetterPublishingRecoverer(templates,
                (record, failure) -> new TopicPartition(Topics.deadLetter(record.topic()), record.partition()));
        ExponentialBackOff backOff = new ExponentialBackOff(200, 2.0);
        backOff.setMaxAttempts(4);
        return new DefaultErrorHandler(recoverer, backOff);
    }
}
