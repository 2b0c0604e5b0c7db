package uz.lms.registration.telegram.delivery;

import java.time.Clock;
import java.time.Duration;
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
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.BatchListenerFailedException;
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

    private final Messenger messenger;
    private final Texts texts;
    private final KafkaTemplate<String, Object> kafka;
    private final Clock clock;
    private final DeliveredCodes delivered;

    CodeDelivery(
            Messenger messenger,
            Texts texts,
            KafkaTemplate<String, Object> kafka,
            Clock clock,
            DeliveredCodes delivered) {
        this.messenger = messenger;
        this.texts = texts;
        this.kafka = kafka;
        this.clock = clock;
        this.delivered = delivered;
    }

    /**
     * One poll's codes: each sent (or found expired) in order, every result put on {@code code.deliveries} at
     * once, and the acknowledgements awaited together before the offsets are committed. A code is remembered as
     * handled once its result is acknowledged; one that failed is redelivered by the error handler with the rest
     * of the poll after it.
     */
    @KafkaListener(
            id = "telegram-code-delivery",
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
            DeliveryEvent result = clock.instant().isBefore(code.expiresAt()) ? send(code) : expired(code);
            outcomes.add(new Outcome(record, result, publish(code, result)));
        }
        finish(outcomes);
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

    private DeliveryEvent send(DeliverCode code) throws InterruptedException {
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
            case SendResult.Sent sent ->
                new DeliveryEvent.CodeDelivered(UUID.randomUUID(), clock.instant(), code.telegramId(), code.eventId());
            case SendResult.TooLate late -> expired(code);
            case SendResult.Refused refused ->
                new DeliveryEvent.CodeDeliveryFailed(
                        UUID.randomUUID(), clock.instant(), code.telegramId(), code.eventId(), reason(refused));
        };
    }

    private DeliveryEvent expired(DeliverCode code) {
        return new DeliveryEvent.CodeExpiredBeforeDelivery(
                UUID.randomUUID(), clock.instant(), code.telegramId(), code.eventId(), code.expiresAt());
    }

    private record Outcome(
            ConsumerRecord<String, DeliverCode> record, DeliveryEvent result, CompletableFuture<?> acknowledged) {}

    private static String reason(SendResult.Refused refused) {
        if (refused.errorCode() == FORBIDDEN) {
            return "blocked";
        }
        String description = String.valueOf(refused.description());
        return description.toLowerCase(Locale.ROOT).contains("chat not found")
                ? "chat_not_found"
                : "telegram_error: " + description;
    }
}
