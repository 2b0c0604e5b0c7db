package uz.lms.registration.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.serializer.JacksonJsonSerializer;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.ExponentialBackOff;
import uz.lms.registration.contracts.Topics;

/**
 * What a consuming service does with a record it cannot process: the one error handler of every listener. Each record
 * it publishes to a dead-letter topic counts in {@code kafka.dead.letters}, tagged with the topic it came from.
 */
public final class DeadLetters {

    private static final String DEAD_LETTERS = "kafka.dead.letters";

    /** Failures of the infrastructure, not of the record: a database or a broker away for a while. */
    private static final List<Class<? extends Throwable>> TRANSIENT = List.of(
            TransientDataAccessException.class,
            RecoverableDataAccessException.class,
            DataAccessResourceFailureException.class,
            CannotCreateTransactionException.class,
            SQLTransientException.class,
            SQLRecoverableException.class,
            RetriableException.class);

    private DeadLetters() {}

    /**
     * Only a record that can never succeed goes to {@code <topic>-dlt}, same partition. One that fails to
     * deserialize (unreadable, or invalid for its contract record) goes there at once, as the bytes it
     * came as; one that fails every try otherwise (a malformed header, say), after four retries within
     * about three seconds, as JSON. A transient failure, a database or broker outage, is retried for as
     * long as it lasts, backing off to one try every five seconds, so that an outage loses nothing; the
     * partition waits meanwhile, which keeps each user's records in order.
     *
     * @param producers the service's producer factory; the dead letters' serializers replace its own
     * @param meters     where the dead letters are counted
     */
    public static CommonErrorHandler errorHandler(ProducerFactory<?, ?> producers, MeterRegistry meters) {
        Map<Class<?>, KafkaOperations<?, ?>> templates = new LinkedHashMap<>();
        templates.put(
                byte[].class,
                new KafkaTemplate<>(
                        producers, Map.of(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)));
        templates.put(
                Object.class,
                new KafkaTemplate<>(
                        producers,
                        Map.of(
                                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                                JacksonJsonSerializer.class,
                                JacksonJsonSerializer.ADD_TYPE_INFO_HEADERS,
                                false)));
        var recoverer = new CountingRecoverer(templates, meters);
        var handler = new DefaultErrorHandler(recoverer, failing());
        handler.setBackOffFunction((record, failure) -> isTransient(failure) ? waitingOut() : failing());
        return handler;
    }

    /**
     * Whether the failure, or any of its causes, is one that goes away with time: a batch listener that fails for
     * such a reason fails as a whole, while any other failure may be one record's.
     */
    public static boolean isTransient(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            Throwable current = cause;
            if (TRANSIENT.stream().anyMatch(type -> type.isInstance(current))) {
                return true;
            }
        }
        return false;
    }

    private static BackOff failing() {
        ExponentialBackOff backOff = new ExponentialBackOff(200, 2.0);
        backOff.setMaxAttempts(4);
        return backOff;
    }

    private static BackOff waitingOut() {
        ExponentialBackOff backOff = new ExponentialBackOff(200, 2.0);
        backOff.setMaxInterval(5_000);
        return backOff;
    }

    /** Publishes to {@code <topic>-dlt}, same partition, and counts what the broker acknowledged. */
    private static final class CountingRecoverer extends DeadLetterPublishingRecoverer {

        private final MeterRegistry meters;

        CountingRecoverer(Map<Class<?>, KafkaOperations<?, ?>> templates, MeterRegistry meters) {
            super(
                    templates,
                    (record, failure) -> new TopicPartition(Topics.deadLetter(record.topic()), record.partition()));
            this.meters = meters;
        }

        /** A send that failed throws, and the record is tried again: only a published dead letter counts. */
        @Override
        protected void publish(
                ProducerRecord<Object, Object> deadLetter,
                KafkaOperations<Object, Object> template,
                ConsumerRecord<?, ?> record) {
            super.publish(deadLetter, template, record);
            Counter.builder(DEAD_LETTERS)
                    .description("Records published to their dead-letter topic, by the topic they came from")
                    .tag("topic", record.topic())
                    .register(meters)
                    .increment();
        }
    }
}
