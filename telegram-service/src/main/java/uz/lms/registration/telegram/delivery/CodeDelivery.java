package uz.lms.registration.telegram.delivery;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
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

    @KafkaListener(
            id = "telegram-code-delivery",
            topics = Topics.VERIFICATION_CODES,
            properties = "spring.json.value.default.type=uz.lms.registration.contracts.DeliverCode")
    void deliver(DeliverCode code) throws InterruptedException {
        if (delivered.handled(code)) {
            log.info(
                    "code delivery telegram_id={} code_event_id={} redelivered: handled before",
                    code.telegramId(),
                    code.eventId());
            return;
        }
        DeliveryEvent result = clock.instant().isBefore(code.expiresAt()) ? send(code) : expired(code);
        kafka.send(Topics.CODE_DELIVERIES, Topics.key(code.telegramId()), result)
                .join();
        delivered.remember(code);
        log.info(
                "code delivery telegram_id={} code_event_id={} result={}",
                code.telegramId(),
                code.eventId(),
                switch (result) {
                    case DeliveryEvent.CodeDeliveryFailed failed -> "failed reason=" + failed.reason();
                    default -> result.getClass().getSimpleName();
                });
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
