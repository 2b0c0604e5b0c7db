package uz.lms.registration.sandbox;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The in-memory Telegram a bot talks to: chats, the queue of updates waiting for {@code getUpdates},
 * and the messages the bot sent. Tests (and a web page) act as users through {@link PrivateChat} and
 * {@link GroupChat}; {@link FakeTelegramServer} serves it over HTTP as the Bot API. Thread-safe.
 */
public final class FakeTelegram {

    private static final long BOT_ID = 7_000_000_001L;

    private final JsonMapper json = JsonMapper.builder().build();
    private final Clock clock;

    private final List<ObjectNode> pendingUpdates = new ArrayList<>();
    private final Map<Long, ObjectNode> chats = new LinkedHashMap<>();
    private final Map<Long, List<SentMessage>> sentMessages = new HashMap<>();
    private final Set<Long> blockedBy = new HashSet<>();
    private final Map<Long, Deque<Integer>> plannedRateLimits = new HashMap<>();
    private JsonNode commands;
    private int lastUpdateId;
    private int lastMessageId;
    private int getUpdatesInFlight;

    public FakeTelegram() {
        this(Clock.systemUTC());
    }

    public FakeTelegram(Clock clock) {
        this.clock = clock;
        this.commands = json.createArrayNode();
    }

    /** A private chat between the bot and this user; its chat id is the user's id. */
    public PrivateChat privateChat(TelegramUser user) {
        ObjectNode chat = json.createObjectNode()
                .put("id", user.id())
                .put("type", "private")
                .put("first_name", user.firstName());
        register(chat);
        return new PrivateChat(this, chat, user);
    }

    /** A group the bot is a member of; group chat ids are negative in Telegram. */
    public GroupChat groupChat(long chatId, String title) {
        ObjectNode chat =
                json.createObjectNode().put("id", chatId).put("type", "group").put("title", title);
        register(chat);
        return new GroupChat(this, chat);
    }

    /** Every chat the bot can see, in the order they were opened. */
    public synchronized List<JsonNode> chats() {
        return chats.values().stream().<JsonNode>map(ObjectNode::deepCopy).toList();
    }

    /** What the bot sent to this chat, oldest first. */
    public synchronized List<SentMessage> sentMessages(long chatId) {
        return List.copyOf(sentMessages.getOrDefault(chatId, List.of()));
    }

    /** Updates not yet confirmed by a {@code getUpdates} with a higher offset. */
    public synchronized int pendingUpdateCount() {
        return pendingUpdates.size();
    }

    /**
     * {@code getUpdates} calls not yet answered: more than one means two pollers, which Telegram
     * answers with 409 Conflict. A call whose client gave up still counts until its timeout ends.
     */
    public synchronized int getUpdatesInFlight() {
        return getUpdatesInFlight;
    }

    /** The commands the bot set with {@code setMyCommands}. */
    public synchronized JsonNode commands() {
        return commands.deepCopy();
    }

    synchronized void block(long chatId) {
        blockedBy.add(chatId);
    }

    synchronized void unblock(long chatId) {
        blockedBy.remove(chatId);
    }

    synchronized void rateLimit(long chatId, int times, int retryAfterSeconds) {
        Deque<Integer> planned = plannedRateLimits.computeIfAbsent(chatId, id -> new ArrayDeque<>());
        for (int i = 0; i < times; i++) {
            planned.add(retryAfterSeconds);
        }
    }

    /** Queues a user's message as an update; returns its update id. */
    synchronized int receive(ObjectNode chat, TelegramUser from, Consumer<ObjectNode> content) {
        ObjectNode message = json.createObjectNode()
                .put("message_id", ++lastMessageId)
                .set("from", from.toJson(json))
                .set("chat", chat.deepCopy());
        message.put("date", clock.instant().getEpochSecond());
        content.accept(message);
        ObjectNode update =
                json.createObjectNode().put("update_id", ++lastUpdateId).set("message", message);
        pendingUpdates.add(update);
        notifyAll();
        return lastUpdateId;
    }

    ObjectNode me() {
        return json.createObjectNode()
                .put("id", BOT_ID)
                .put("is_bot", true)
                .put("first_name", "Sandbox")
                .put("username", "sandbox_bot")
                .put("can_join_groups", true)
                .put("can_read_all_group_messages", false)
                .put("supports_inline_queries", false);
    }

    /**
     * Bot API {@code getUpdates}: an offset confirms every update below it; waits up to
     * {@code timeout} for an update when none is pending (long polling).
     */
    synchronized List<ObjectNode> updates(long offset, int limit, Duration timeout) throws InterruptedException {
        if (offset > 0) {
            pendingUpdates.removeIf(update -> update.get("update_id").asLong() < offset);
        } else if (offset < 0) {
            // Telegram: -N keeps only the last N updates and forgets the ones before them.
            pendingUpdates
                    .subList(0, Math.max(0, pendingUpdates.size() + (int) offset))
                    .clear();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        getUpdatesInFlight++;
        try {
            while (pendingUpdates.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        } finally {
            getUpdatesInFlight--;
        }
        return pendingUpdates.stream()
                .limit(Math.max(1, Math.min(limit, 100)))
                .map(ObjectNode::deepCopy)
                .toList();
    }

    /** Bot API {@code sendMessage}: records the message, or fails as Telegram would. */
    synchronized ObjectNode sendMessage(
            long chatId,
            @Nullable String text,
            @Nullable String parseMode,
            @Nullable JsonNode replyMarkup,
            @Nullable String traceparent) {
        ObjectNode chat = chats.get(chatId);
        if (chat == null) {
            throw new BotApiException(400, "Bad Request: chat not found");
        }
        if (text == null || text.isBlank()) {
            throw new BotApiException(400, "Bad Request: message text is empty");
        }
        if (blockedBy.contains(chatId)) {
            throw new BotApiException(403, "Forbidden: bot was blocked by the user");
        }
        Integer retryAfter =
                plannedRateLimits.getOrDefault(chatId, new ArrayDeque<>()).poll();
        if (retryAfter != null) {
            throw BotApiException.tooManyRequests(retryAfter);
        }
        SentMessage sent =
                new SentMessage(chatId, ++lastMessageId, text, parseMode, replyMarkup, clock.instant(), traceparent);
        sentMessages.computeIfAbsent(chatId, id -> new ArrayList<>()).add(sent);
        ObjectNode message = json.createObjectNode()
                .put("message_id", sent.messageId())
                .set("from", me())
                .set("chat", chat.deepCopy());
        return message.put("date", sent.sentAt().getEpochSecond()).put("text", text);
    }

    synchronized void setCommands(@Nullable JsonNode commands) {
        this.commands = commands == null ? json.createArrayNode() : commands.deepCopy();
    }

    private synchronized void register(ObjectNode chat) {
        chats.putIfAbsent(chat.get("id").asLong(), chat);
    }
}
