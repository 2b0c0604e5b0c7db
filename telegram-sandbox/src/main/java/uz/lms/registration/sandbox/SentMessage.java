package uz.lms.registration.sandbox;

import java.time.Instant;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A message the bot sent through {@code sendMessage}.
 *
 * @param parseMode   {@code HTML}, {@code MarkdownV2} or null
 * @param replyMarkup the keyboard JSON as the bot sent it, or null
 * @param traceparent the W3C trace context the bot's request carried, or null
 */
public record SentMessage(
        long chatId,
        int messageId,
        String text,
        @Nullable String parseMode,
        @Nullable JsonNode replyMarkup,
        Instant sentAt,
        @Nullable String traceparent) {

    /** Whether the message shows a reply keyboard with a button that shares the user's contact. */
    public boolean requestsContact() {
        if (replyMarkup == null || !replyMarkup.path("keyboard").isArray()) {
            return false;
        }
        for (JsonNode row : replyMarkup.get("keyboard")) {
            for (JsonNode button : row) {
                if (button.path("request_contact").asBoolean(false)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether the message removes the reply keyboard. */
    public boolean removesKeyboard() {
        return replyMarkup != null && replyMarkup.path("remove_keyboard").asBoolean(false);
    }
}
