package uz.lms.registration.telegram.delivery;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.support.micrometer.KafkaListenerObservation;
import org.springframework.kafka.support.micrometer.KafkaRecordReceiverContext;
import org.springframework.kafka.support.serializer.SerializationUtils;
import org.springframework.stereotype.Component;
import org.telegram.telegrambots.meta.api.methods.ParseMode;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.ReplyKeyboardRemove;
import uz.lms.registration.contracts.DeliverCode;
import uz.lms.registration.contracts.DeliveryEvent;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.telegram.bot.ConditionalOnBotToken;
import uz.lms.registration.telegram.bot.Messenger;
import uz.lms.registration.telegram.bot.SendResult;
import uz.lms.registration.telegram.bot.Texts;

/**
 * Sends issued codes to users' private chats and reports each result on {@code code.deliveries}.
 * A code is tried until it expires; one that expired first is not sent at all. Every instance
 * delivers: the partitions of {@code verification.codes} spread the work.
 */
@Component
@ConditionalOnBotToken
class CodeDelivery {

    private static final Logger log = LoggerFactory.getLogger(CodeDelivery.class);
    private static final LogAccessor LOG_ACCESSOR = new LogAccessor(CodeDelivery.class);
    private static final int FORBIDDEN = 403;
    /** Also the consumer group: a listener's id is its group's. */
    private static final String LISTENER_ID = "telegram-code-delivery";

    private final Messenger messenger;
    private final Texts texts;
    private final KafkaTemplate<String, Object> kafka;
    private final Clock clock;
    private final DeliveredCodes delivered;
    private final DeliveryTelemetry telemetry;
    private final ObservationRegistry observations;
    private final KafkaAdmin admin;

    CodeDelivery(
            Messenger messenger,
            Texts texts,
            KafkaTemplate<String, Object> kafka,
            Clock clock,
            DeliveredCodes delivered,
            DeliveryTelemetry telemetry,
            ObservationRegistry observations,
            KafkaAdmin admin) {
        this.messenger = messenger;
        this.texts = texts;
        this.kafka = kafka;
        this.clock = clock;
        this.delivered = delivered;
        this.telemetry = telemetry;
        this.observations = observations;
        this.admin = admin;
    }

    /**
     * One poll's codes: each sent (or found expired) in order, every result put on {@code code.deliveries} at
     * once, and the acknowledgements awaited together before the offsets are committed. A code is remembered as
     * handled once its result is acknowledged; one that failed is redelivered by the error handler with the rest
     * of the poll after it.
     */
    @KafkaListener(
            id = LISTENER_ID,
            topics = Topics.VERIFICATION_CODES,
            batch = "true",
            properties = "spring.json.value.default.type=uz.lms.registration.contracts.DeliverCode")
    void deliver(List<ConsumerRecord<String, DeliverCode>> records) throws InterruptedException {
        List<Outcome> outcomes = new ArrayList<>(records.size());
        Set<UUID> inThisPoll = new HashSet<>();
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<String, DeliverCode> record = records.get(i);
            DeliverCode code = record.value();
            if (code == null) {
                // ErrorHandlingDeserializer left the value out: the error handler dead-letters the record.
                finish(outcomes);
                throw new BatchListenerFailedException(
                        "unreadable DeliverCode",
                        SerializationUtils.getExceptionFromHeader(
                                record, SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, LOG_ACCESSOR),
                        i);
            }
            if (delivered.handled(code) || !inThisPoll.add(code.eventId())) {
                log.info(
                        "code delivery telegram_id={} code_event_id={} redelivered: handled before",
                        code.telegramId(),
                        code.eventId());
                continue;
            }
            Observation span = observation(record);
            outcomes.add(span.observeChecked(() -> {
                DeliveryEvent result =
                        clock.instant().isBefore(code.expiresAt()) ? send(code, span) : expired(code, span);
                return new Outcome(record, result, publish(code, result));
            }));
        }
        finish(outcomes);
    }

    /**
     * The record's own span, a child of the {@code traceparent} it carries (the registration's trace), as
     * spring-kafka makes for a record listener: in a batch it makes none that the listener's work could continue.
     * Its {@code sendMessage} and its result on {@code code.deliveries} are its children.
     */
    private Observation observation(ConsumerRecord<String, DeliverCode> record) {
        return KafkaListenerObservation.LISTENER_OBSERVATION
                .observation(
                        null,
                        KafkaListenerObservation.DefaultKafkaListenerObservationConvention.INSTANCE,
                        () -> new KafkaRecordReceiverContext(record, LISTENER_ID, null, LISTENER_ID, admin::clusterId),
                        observations)
                .highCardinalityKeyValue(
                        "telegram_id", Long.toString(record.value().telegramId()));
    }

    private CompletableFuture<?> publish(DeliverCode code, DeliveryEvent result) {
        try {
            return kafka.send(Topics.CODE_DELIVERIES, Topics.key(code.telegramId()), result);
        } catch (RuntimeException e) {
            // A broker away past max.block.ms fails here: the error handler retries this record, not the whole poll.
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Awaits the results' acknowledgements, in order; the first that failed fails its record. */
    private void finish(List<Outcome> outcomes) {
        for (Outcome outcome : outcomes) {
            DeliverCode code = outcome.record().value();
            try {
                outcome.acknowledged().join();
            } catch (CompletionException | CancellationException e) {
                throw new BatchListenerFailedException("code delivery result not published", e, outcome.record());
            }
            delivered.remember(code);
            log.info(
                    "code delivery telegram_id={} code_event_id={} result={}",
                    code.telegramId(),
                    code.eventId(),
                    switch (outcome.result()) {
                        case DeliveryEvent.CodeDeliveryFailed failed -> "failed reason=" + failed.reason();
                        default -> outcome.result().getClass().getSimpleName();
                    });
        }
    }

    private DeliveryEvent send(DeliverCode code, Observation span) throws InterruptedException {
        // The code's message is also the answer to the shared contact: how long the code lives and where to type
        // it, and the contact keyboard gone. A separate notice could reach the chat after the code.
        long validFor = Duration.between(code.occurredAt(), code.expiresAt()).toSeconds();
        SendMessage message = SendMessage.builder()
                .chatId(code.telegramId())
                .text(texts.get("code.message", Texts.language(code.language()), code.code(), validFor))
                .parseMode(ParseMode.HTML)
                .replyMarkup(new ReplyKeyboardRemove(true))
                .build();
        return switch (messenger.send(message, code.expiresAt())) {
            case SendResult.Sent sent -> {
                Instant accepted = clock.instant();
                telemetry.delivered(span, code.requestedAt(), accepted);
                yield new DeliveryEvent.CodeDelivered(UUID.randomUUID(), accepted, code.telegramId(), code.eventId());
            }
            case SendResult.TooLate late -> expired(code, span);
            case SendResult.Refused refused -> {
                String reason = reason(refused);
                telemetry.failed(span, reason);
                yield new DeliveryEvent.CodeDeliveryFailed(
                        UUID.randomUUID(),
                        clock.instant(),
                        code.telegramId(),
                        code.eventId(),
                        // Telegram's free text only in the event, never in a metric's label or a span's tag
                        reason.equals(DeliveryTelemetry.TELEGRAM_ERROR)
                                ? reason + ": " + refused.description()
                                : reason);
            }
        };
    }

    private DeliveryEvent expired(DeliverCode code, Observation span) {
        telemetry.expired(span);
        return new DeliveryEvent.CodeExpiredBeforeDelivery(
                UUID.randomUUID(), clock.instant(), code.telegramId(), code.eventId(), code.expiresAt());
    }

    private record Outcome(
            ConsumerRecord<String, DeliverCode> record, DeliveryEvent result, CompletableFuture<?> acknowledged) {}

    private static String reason(SendResult.Refused refused) {
        if (refused.errorCode() == FORBIDDEN) {
            return DeliveryTelemetry.BLOCKED;
        }
        return String.valueOf(refused.description()).toLowerCase(Locale.ROOT).contains("chat not found")
                ? DeliveryTelemetry.CHAT_NOT_FOUND
                : DeliveryTelemetry.TELEGRAM_ERROR;
    }
}
