package uz.lms.registration.telegram.polling;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import uz.lms.registration.telegram.bot.Texts;

/**
 * A user's message to the bot, as much of a Telegram update as the conversation needs. Travels on
 * {@code telegram.updates} from the poller to whichever instance answers it.
 *
 * @param messageId the message's id, unique within its chat
 * @param date      when the message was sent, in seconds since the epoch
 * @param language  uz, ru or en, from the user's {@code language_code}
 * @param text      null for messages without text
 * @param contact   null unless the user shared a contact
 */
public record ChatUpdate(
        @JsonProperty("update_id") long updateId,
        @JsonProperty("chat_id") long chatId,
        @JsonProperty("message_id") long messageId,
        @JsonProperty("date") long date,
        @JsonProperty("private_chat") boolean privateChat,
        @JsonProperty("user_id") long userId,
        @JsonProperty("language") String language,
        @JsonProperty("text") @Nullable String text,
        @JsonProperty("contact") @Nullable SharedContact contact) {

    /** Messages from users only: edits, channel posts and the like are not part of the conversation. */
    static Optional<ChatUpdate> of(Update update) {
        Message message = update.getMessage();
        if (message == null
                || message.getFrom() == null
                || Boolean.TRUE.equals(message.getFrom().getIsBot())) {
            return Optional.empty();
        }
        SharedContact contact = message.hasContact()
                ? new SharedContact(
                        message.getContact().getPhoneNumber(),
                        message.getContact().getUserId())
                : null;
        return Optional.of(new ChatUpdate(
                update.getUpdateId(),
                message.getChatId(),
                message.getMessageId(),
                message.getDate(),
                message.isUserMessage(),
                message.getFrom().getId(),
                Texts.language(message.getFrom().getLanguageCode()),
                message.getText(),
                contact));
    }

    /**
     * The {@code event_id} of the command this message causes: the same for the same message, so a
     * message handed over twice (a redelivery, a restart of the poller) is applied by
     * verification-service once and answered as before. The date tells apart chats whose message
     * ids started again (a new sandbox).
     */
    public UUID commandId() {
        return UUID.nameUUIDFromBytes(
                ("telegram-message:" + chatId + ":" + messageId + ":" + date).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        // Records print every component; a typed code or a phone number must never reach a log.
        return "ChatUpdate[update_id=" + updateId + ", chat_id=" + chatId + ", user_id=" + userId + "]";
    }

    /** @param userId the Telegram account the contact belongs to; null when it belongs to none */
    public record SharedContact(
            @JsonProperty("phone_number") String phoneNumber,
            @JsonProperty("user_id") @Nullable Long userId) {

        @Override
        public String toString() {
            return "SharedContact[user_id=" + userId + "]";
        }
    }
}
