package uz.lms.registration.telegram.conversation;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.ReplyKeyboard;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.ReplyKeyboardMarkup;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.ReplyKeyboardRemove;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.KeyboardButton;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.KeyboardRow;
import uz.lms.registration.client.VerificationClient;
import uz.lms.registration.contracts.AlreadyVerified;
import uz.lms.registration.contracts.PhoneNumberTaken;
import uz.lms.registration.contracts.RegisterUser;
import uz.lms.registration.contracts.RegistrationOutcome;
import uz.lms.registration.contracts.RegistrationReply;
import uz.lms.registration.contracts.VerificationOutcome;
import uz.lms.registration.contracts.VerificationReply;
import uz.lms.registration.contracts.VerifyCode;
import uz.lms.registration.telegram.TelegramTopics;
import uz.lms.registration.telegram.bot.ConditionalOnBotToken;
import uz.lms.registration.telegram.bot.Messenger;
import uz.lms.registration.telegram.bot.SendResult;
import uz.lms.registration.telegram.bot.Texts;
import uz.lms.registration.telegram.polling.ChatUpdate;

/**
 * Answers users' messages from {@code telegram.updates}: {@code /start} asks for the contact, the
 * user's own contact registers them, six digits verify, anything else gets help. Only private chats
 * are served; in a group the bot asks to be written to privately, so that no code is shown there.
 */
@Component
@ConditionalOnBotToken
class Conversation {

    private static final Logger log = LoggerFactory.getLogger(Conversation.class);
    private static final Pattern CODE = Pattern.compile("\\d{6}");
    /** A reply later than this would no longer make sense to the user. */
    private static final Duration REPLY_DEADLINE = Duration.ofMinutes(1);

    private final VerificationClient verification;
    private final Messenger messenger;
    private final Texts texts;
    private final Clock clock;

    Conversation(VerificationClient verification, Messenger messenger, Texts texts, Clock clock) {
        this.verification = verification;
        this.messenger = messenger;
        this.texts = texts;
        this.clock = clock;
    }

    @KafkaListener(
            id = "telegram-conversation",
            topics = TelegramTopics.UPDATES,
            properties = "spring.json.value.default.type=uz.lms.registration.telegram.polling.ChatUpdate")
    void answer(ChatUpdate update) throws InterruptedException {
        String text = update.text() == null ? "" : update.text().strip();
        boolean start = text.equals("/start") || text.startsWith("/start ") || text.startsWith("/start@");
        boolean code = CODE.matcher(text).matches();
        if (!update.privateChat()) {
            if (start || code || update.contact() != null) {
                reply(update, texts.get("private.only", update.language()), null);
            }
        } else if (update.contact() != null) {
            register(update);
        } else if (start) {
            log.info("start telegram_id={}", update.userId());
            reply(update, texts.get("start", update.language()), contactKeyboard(update.language()));
        } else if (code) {
            verify(update, text);
        } else {
            reply(update, texts.get("help", update.language()), null);
        }
    }

    private void register(ChatUpdate update) throws InterruptedException {
        String language = update.language();
        if (update.contact().userId() == null || update.contact().userId() != update.userId()) {
            log.info("contact refused, not the sender's own telegram_id={}", update.userId());
            reply(update, texts.get("contact.not.own", language), contactKeyboard(language));
            return;
        }
        Optional<String> phoneNumber = PhoneNumbers.toE164(update.contact().phoneNumber());
        if (phoneNumber.isEmpty()) {
            log.info("contact refused, invalid phone number telegram_id={}", update.userId());
            reply(update, texts.get("phone.invalid", language), contactKeyboard(language));
            return;
        }
        // On the bot's own topic the contact is the attestation: nothing to vouch for.
        Optional<RegistrationOutcome> outcome = replied(verification.register(new RegisterUser(
                        update.commandId(), clock.instant(), update.userId(), phoneNumber.get(), language, false)))
                .map(RegistrationReply::outcome);
        if (outcome.isEmpty()) {
            reply(update, texts.get("unavailable", language), null);
            return;
        }
        log.info(
                "registration telegram_id={} outcome={}",
                update.userId(),
                outcome.get().type());
        Optional<String> answer = switch (outcome.get()) {
            // The code's own message answers (CodeDelivery): a notice sent from here could reach the chat after it.
            case RegistrationOutcome.CodeSent sent -> Optional.empty();
            case AlreadyVerified already -> Optional.of(texts.get("already.verified", language));
            case PhoneNumberTaken taken -> Optional.of(texts.get("phone.taken", language));
            case RegistrationOutcome.TooManyRequests tooMany ->
                Optional.of(texts.get("too.many.requests", language, tooMany.retryAfter()));
            // Not expected for a contact, which attests the number; should it come, sharing it again starts over.
            case RegistrationOutcome.ShareNumberFirst shareFirst -> Optional.of(texts.get("share.first", language));
        };
        if (answer.isPresent()) {
            reply(update, answer.get(), new ReplyKeyboardRemove(true));
        }
    }

    private void verify(ChatUpdate update, String code) throws InterruptedException {
        String language = update.language();
        Optional<VerificationOutcome> outcome = replied(
                        verification.verify(new VerifyCode(update.commandId(), clock.instant(), update.userId(), code)))
                .map(VerificationReply::outcome);
        if (outcome.isEmpty()) {
            reply(update, texts.get("unavailable", language), null);
            return;
        }
        log.info(
                "verification telegram_id={} outcome={}",
                update.userId(),
                outcome.get().type());
        String answer = switch (outcome.get()) {
            case VerificationOutcome.Verified verified -> texts.get("verified", language);
            case VerificationOutcome.InvalidOrExpiredCode invalid -> texts.get("code.invalid", language);
            case VerificationOutcome.AttemptsExhausted exhausted -> texts.get("attempts.exhausted", language);
            case AlreadyVerified already -> texts.get("already.verified", language);
            case PhoneNumberTaken taken -> texts.get("phone.taken", language);
        };
        reply(update, answer, null);
    }

    /**
     * Waits for the reply: a user's messages are answered one at a time, in order. Empty when
     * verification-service did not answer within the reply timeout (the client logs why).
     */
    private static <R> Optional<R> replied(CompletableFuture<R> reply) throws InterruptedException {
        try {
            return Optional.of(reply.get());
        } catch (ExecutionException noReply) {
            return Optional.empty();
        }
    }

    private ReplyKeyboard contactKeyboard(String language) {
        KeyboardButton share = KeyboardButton.builder()
                .text(texts.get("share.contact", language))
                .requestContact(true)
                .build();
        return ReplyKeyboardMarkup.builder()
                .keyboardRow(new KeyboardRow(List.of(share)))
                .oneTimeKeyboard(true)
                .resizeKeyboard(true)
                .build();
    }

    private void reply(ChatUpdate update, String text, @Nullable ReplyKeyboard keyboard) throws InterruptedException {
        SendMessage message = SendMessage.builder()
                .chatId(update.chatId())
                .text(text)
                .replyMarkup(keyboard)
                .build();
        SendResult result = messenger.send(message, clock.instant().plus(REPLY_DEADLINE));
        if (!(result instanceof SendResult.Sent)) {
            log.warn("reply not delivered chat_id={} result={}", update.chatId(), result);
        }
    }
}
