package uz.lms.registration.sandbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A web page that stands in for a Telegram client: a person opens a private chat with the sandbox bot,
 * presses Start, shares their own contact and reads what the bot sends. Served beside the Bot API on the
 * sandbox's port: {@code GET /} is the page, which polls {@code GET /api/messages} and posts to
 * {@code /api/messages} and {@code /api/contact}.
 */
public final class WebChat implements HttpHandler {

    private static final Pattern PHONE = Pattern.compile("\\+?[0-9][0-9 ()-]{4,30}");
    private static final int MAX_TEXT = 4096;

    private final FakeTelegram telegram;
    private final JsonMapper json = JsonMapper.builder().build();
    private final byte[] page;

    private WebChat(FakeTelegram telegram) {
        this.telegram = telegram;
        this.page = resource("web-chat.html");
    }

    /** Puts the web chat on {@code server}'s port, as a client of the Telegram it serves. */
    public static void serveOn(FakeTelegramServer server) {
        server.serveBesideBotApi(new WebChat(server.telegram()));
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String route =
                    exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath();
            try {
                switch (route) {
                    case "GET /", "GET /index.html" -> send(exchange, 200, "text/html; charset=utf-8", page);
                    case "GET /api/messages" -> sendJson(exchange, 200, messages(query(exchange)));
                    case "POST /api/messages" -> sendJson(exchange, 200, sendText(body(exchange)));
                    case "POST /api/contact" -> sendJson(exchange, 200, shareContact(body(exchange)));
                    default -> sendJson(exchange, 404, error("no such page"));
                }
            } catch (IllegalArgumentException e) {
                sendJson(exchange, 400, error(e.getMessage()));
            }
        }
    }

    /** The bot's messages in this user's chat with an id above {@code after}, oldest first. */
    private ObjectNode messages(Map<String, String> query) {
        long userId = userId(query.get("user_id"));
        long after = query.containsKey("after") ? number(query.get("after"), "after") : 0;
        ObjectNode answer = json.createObjectNode();
        ArrayNode messages = answer.putArray("messages");
        for (SentMessage sent : telegram.sentMessages(userId)) {
            if (sent.messageId() > after) {
                messages.addObject()
                        .put("message_id", sent.messageId())
                        .put("text", sent.text())
                        .put("parse_mode", sent.parseMode())
                        .put("sent_at", sent.sentAt().toString())
                        .set("reply_markup", sent.replyMarkup());
            }
        }
        return answer;
    }

    private ObjectNode sendText(JsonNode body) {
        String text = body.path("text").asString("").strip();
        if (text.isEmpty() || text.length() > MAX_TEXT) {
            throw new IllegalArgumentException("text must have 1 to " + MAX_TEXT + " characters");
        }
        int updateId = telegram.privateChat(user(body)).sendText(text);
        return json.createObjectNode().put("update_id", updateId);
    }

    /** The person's own contact: {@code contact.user_id} is their own id, as Telegram's contact button sends it. */
    private ObjectNode shareContact(JsonNode body) {
        String phoneNumber = body.path("phone_number").asString("").strip();
        if (!PHONE.matcher(phoneNumber).matches()) {
            throw new IllegalArgumentException("phone_number must be digits, optionally with +, spaces or dashes");
        }
        int updateId = telegram.privateChat(user(body)).shareOwnContact(phoneNumber);
        return json.createObjectNode().put("update_id", updateId);
    }

    private TelegramUser user(JsonNode body) {
        long id = userId(body.path("user_id").asString(""));
        String firstName = body.path("first_name").asString("").strip();
        String language = body.path("language_code").asString("").strip();
        return new TelegramUser(
                id, firstName.isEmpty() ? "Sandbox user" : firstName, language.isEmpty() ? null : language);
    }

    private static long userId(@Nullable String value) {
        long id = number(value, "user_id");
        if (id <= 0) {
            throw new IllegalArgumentException("user_id must be a positive number");
        }
        return id;
    }

    private static long number(@Nullable String value, String name) {
        try {
            return Long.parseLong(value == null ? "" : value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number");
        }
    }

    private JsonNode body(HttpExchange exchange) throws IOException {
        try {
            JsonNode body = json.readTree(exchange.getRequestBody().readAllBytes());
            if (body == null || !body.isObject()) {
                throw new IllegalArgumentException("the body must be a JSON object");
            }
            return body;
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the body must be a JSON object");
        }
    }

    private static Map<String, String> query(HttpExchange exchange) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query == null || query.isEmpty()) {
            return Map.of();
        }
        return Stream.of(query.split("&"))
                .map(pair -> pair.split("=", 2))
                .collect(Collectors.toMap(
                        pair -> URLDecoder.decode(pair[0], StandardCharsets.UTF_8),
                        pair -> pair.length < 2 ? "" : URLDecoder.decode(pair[1], StandardCharsets.UTF_8),
                        (first, second) -> second));
    }

    private ObjectNode error(String message) {
        return json.createObjectNode().put("error", message);
    }

    private void sendJson(HttpExchange exchange, int status, JsonNode body) throws IOException {
        send(exchange, status, "application/json", json.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private static byte[] resource(String name) {
        try (InputStream in = WebChat.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
