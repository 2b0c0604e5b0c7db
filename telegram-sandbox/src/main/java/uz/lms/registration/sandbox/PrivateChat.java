package uz.lms.registration.sandbox;

import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/** A user's private chat with the bot: what the user does there, and what the bot answered. */
public final class PrivateChat {

    private final FakeTelegram telegram;
    private final ObjectNode chat;
    private final TelegramUser user;

    PrivateChat(FakeTelegram telegram, ObjectNode chat, TelegramUser user) {
        this.telegram = telegram;
        this.chat = chat;
        this.user = user;
    }

    public long id() {
        return user.id();
    }

    public TelegramUser user() {
        return user;
    }

    /** The user presses Start (or types {@code /start}). */
    public int start() {
        return sendText("/start");
    }

    /** The user types a message; a leading {@code /word} is marked as a bot command, as Telegram does. */
    public int sendText(String text) {
        return telegram.receive(chat, user, message -> Messages.text(message, text));
    }

    /** The user shares their own number with the contact button. */
    public int shareOwnContact(String phoneNumber) {
        return shareContact(phoneNumber, user.firstName(), user.id());
    }

    /**
     * The user forwards a contact card: someone else's ({@code userId} of another user) or one
     * that belongs to no Telegram account ({@code userId} null).
     */
    public int shareContact(String phoneNumber, String firstName, @Nullable Long userId) {
        return telegram.receive(chat, user, message -> Messages.contact(message, phoneNumber, firstName, userId));
    }

    /** What the bot sent here, oldest first. */
    public List<SentMessage> messages() {
        return telegram.sentMessages(id());
    }

    /** The last message the bot sent here; fails when there is none. */
    public SentMessage lastMessage() {
        List<SentMessage> messages = messages();
        if (messages.isEmpty()) {
            throw new IllegalStateException("the bot has sent nothing to chat " + id());
        }
        return messages.getLast();
    }

    /** From now on the bot's messages here fail with 403, as when the user blocks the bot. */
    public void blockBot() {
        telegram.block(id());
    }

    public void unblockBot() {
        telegram.unblock(id());
    }

    /** The next {@code times} messages to this chat fail with 429 and {@code parameters.retry_after}. */
    public void rateLimit(int times, int retryAfterSeconds) {
        telegram.rateLimit(id(), times, retryAfterSeconds);
    }
}
