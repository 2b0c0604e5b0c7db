package uz.lms.registration.sandbox;

import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/** A group chat the bot is a member of. */
public final class GroupChat {

    private final FakeTelegram telegram;
    private final ObjectNode chat;

    GroupChat(FakeTelegram telegram, ObjectNode chat) {
        this.telegram = telegram;
        this.chat = chat;
    }

    public long id() {
        return chat.get("id").asLong();
    }

    public int sendText(TelegramUser from, String text) {
        return telegram.receive(chat, from, message -> Messages.text(message, text));
    }

    public int shareContact(TelegramUser from, String phoneNumber, @Nullable Long userId) {
        return telegram.receive(
                chat, from, message -> Messages.contact(message, phoneNumber, from.firstName(), userId));
    }

    /** What the bot sent here, oldest first. */
    public List<SentMessage> messages() {
        return telegram.sentMessages(id());
    }
}
