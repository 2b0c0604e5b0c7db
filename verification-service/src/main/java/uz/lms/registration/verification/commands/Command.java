package uz.lms.registration.verification.commands;

import io.micrometer.observation.Observation;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.ToLongFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jspecify.annotations.Nullable;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.support.serializer.SerializationUtils;
import uz.lms.registration.contracts.Topics;

/**
 * A command as read off its topic: what it asks, its delivery headers, and its span.
 *
 * @param replyTo  empty for a command sent without a reply topic: it is applied, and nobody is answered
 * @param deadline empty for a command sent without one, by a requester that waits for ever
 * @param span     started, in its requester's trace: all the command causes happens in it
 */
record Command<C>(
        ConsumerRecord<String, @Nullable C> record,
        C value,
        UUID eventId,
        long telegramId,
        Optional<ReplyAddress> replyTo,
        Optional<Instant> deadline,
        Observation span) {

    private static final LogAccessor LOG = new LogAccessor(Command.class);

    /**
     * @throws RuntimeException when the record is no such command: the value did not deserialize (the
     *     {@link org.springframework.kafka.support.serializer.DeserializationException}, which dead-letters it at
     *     once), or a header cannot be read
     */
    static <C> Command<C> of(
            ConsumerRecord<String, @Nullable C> record,
            Function<C, UUID> eventId,
            ToLongFunction<C> telegramId,
            LongFunction<Observation> startSpan) {
        C value = record.value();
        if (value == null) {
            RuntimeException unreadable = SerializationUtils.getExceptionFromHeader(
                    record, SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, LOG);
            throw unreadable != null ? unreadable : new IllegalArgumentException("a command record without a value");
        }
        long user = telegramId.applyAsLong(value);
        return new Command<>(
                record,
                value,
                eventId.apply(value),
                user,
                ReplyAddress.of(record.headers()),
                deadline(record),
                // Last: a record that is no command gets no span.
                startSpan.apply(user));
    }

    boolean lateAt(Instant now) {
        return deadline.isPresent() && now.isAfter(deadline.get());
    }

    private static Optional<Instant> deadline(ConsumerRecord<String, ?> record) {
        Header deadline = record.headers().lastHeader(Topics.DEADLINE_HEADER);
        return deadline == null
                ? Optional.empty()
                : Optional.of(Instant.parse(new String(deadline.value(), StandardCharsets.US_ASCII)));
    }
}
