package uz.lms.registration.sandbox;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/** The content parts of an incoming Telegram message. */
final class Messages {

    private Messages() {}

    static void text(ObjectNode message, String text) {
        message.put("text", text);
        if (text.startsWith("/")) {
            int end = text.indexOf(' ');
            message.putArray("entities")
                    .addObject()
                    .put("type", "bot_command")
                    .put("offset", 0)
                    .put("length", end < 0 ? text.length() : end);
        }
    }

    static void contact(ObjectNode message, String phoneNumber, String firstName, @Nullable Long userId) {
        ObjectNode contact =
                message.putObject("contact").put("phone_number", phoneNumber).put("first_name", firstName);
        if (userId != null) {
            contact.put("user_id", userId);
        }
    }
}
