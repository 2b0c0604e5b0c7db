package uz.lms.registration.sandbox;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Telegram user as the Bot API shows them in {@code from}.
 *
 * @param languageCode the IETF tag of the user's Telegram client ({@code uz}, {@code ru}, {@code en}), or null
 */
public record TelegramUser(
        long id, String firstName, @Nullable String languageCode) {

    ObjectNode toJson(JsonMapper json) {
        ObjectNode user =
                json.createObjectNode().put("id", id).put("is_bot", false).put("first_name", firstName);
        return languageCode == null ? user : user.put("language_code", languageCode);
    }
}
