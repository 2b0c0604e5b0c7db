package uz.lms.registration.sandbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Serves a {@link FakeTelegram} as the Telegram Bot API: {@code POST|GET /bot<token>/<method>} with
 * JSON, form or query parameters, method names matched case-insensitively (clients send
 * {@code getupdates}, {@code sendmessage}). Answers {@code {"ok": true, "result": ...}} or Telegram's
 * error shape with the same HTTP status. Keeps the {@code traceparent} a {@code sendMessage} carried with the
 * message. Binds to the loopback address unless given another.
 */
public final class FakeTelegramServer implements AutoCloseable {

    private static final int MAX_LONG_POLL_SECONDS = 50;

    private final FakeTelegram telegram;
    private final String token;
    private final HttpServer server;
    private final ExecutorService handlers;
    private final JsonMapper json = JsonMapper.builder().build();
    private volatile @Nullable HttpHandler besideBotApi;

    private FakeTelegramServer(FakeTelegram telegram, String token, InetSocketAddress address) throws IOException {
        this.telegram = telegram;
        this.token = token;
        this.server = HttpServer.create(address, 0);
        // One thread per request: long polls park a thread each.
        this.handlers = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("fake-telegram-", 0).factory());
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts serving {@code telegram} for the bot with this token; port 0 picks a free port. */
    public static FakeTelegramServer start(FakeTelegram telegram, String token, int port) {
        return start(telegram, token, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    /** Starts serving on {@code address}: a container's sandbox must be reachable from the others. */
    public static FakeTelegramServer start(FakeTelegram telegram, String token, InetSocketAddress address) {
        try {
            return new FakeTelegramServer(telegram, token, address);
        } catch (IOException e) {
            throw new UncheckedIOException("the fake Telegram server could not bind " + address, e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The Bot API root, to be used as {@code {root}/bot{token}/{method}}. */
    public URI apiUrl() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + port());
    }

    public FakeTelegram telegram() {
        return telegram;
    }

    @Override
    public void close() {
        server.stop(0);
        // Wakes the long polls still parked in the model.
        handlers.shutdownNow();
    }

    /** Serves every path that does not start with {@code /bot} (the web chat) on the Bot API's port. */
    void serveBesideBotApi(HttpHandler handler) {
        this.besideBotApi = handler;
    }

    private void handle(HttpExchange exchange) throws IOException {
        if (besideBotApi != null && !exchange.getRequestURI().getRawPath().startsWith("/bot")) {
            besideBotApi.handle(exchange);
            return;
        }
        try (exchange) {
            ObjectNode answer;
            int status;
            try {
                answer = json.createObjectNode().put("ok", true).set("result", call(exchange));
                status = 200;
            } catch (BotApiException e) {
                answer = json.createObjectNode()
                        .put("ok", false)
                        .put("error_code", e.errorCode())
                        .put("description", e.getMessage());
                if (e.retryAfter() != null) {
                    answer.putObject("parameters").put("retry_after", e.retryAfter());
                }
                status = e.errorCode();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            byte[] body = json.writeValueAsBytes(answer);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private JsonNode call(HttpExchange exchange) throws IOException, InterruptedException {
        String[] path = exchange.getRequestURI().getRawPath().split("/");
        // "", "bot<token>", "<method>"
        if (path.length != 3 || !path[1].startsWith("bot")) {
            throw new BotApiException(404, "Not Found");
        }
        if (!path[1].substring(3).equals(token)) {
            throw new BotApiException(401, "Unauthorized");
        }
        ObjectNode params = params(exchange);
        return switch (path[2].toLowerCase(Locale.ROOT)) {
            case "getme" -> telegram.me();
            case "getupdates" ->
                json.valueToTree(telegram.updates(
                        longParam(params, "offset", 0),
                        (int) longParam(params, "limit", 100),
                        Duration.ofSeconds(Math.min(longParam(params, "timeout", 0), MAX_LONG_POLL_SECONDS))));
            case "sendmessage" ->
                telegram.sendMessage(
                        longParam(params, "chat_id", 0),
                        params.path("text").asString(null),
                        params.path("parse_mode").asString(null),
                        jsonParam(params, "reply_markup"),
                        exchange.getRequestHeaders().getFirst("traceparent"));
            case "deletewebhook" -> json.getNodeFactory().booleanNode(true);
            case "getwebhookinfo" ->
                json.createObjectNode()
                        .put("url", "")
                        .put("has_custom_certificate", false)
                        .put("pending_update_count", telegram.pendingUpdateCount());
            case "setmycommands" -> {
                telegram.setCommands(jsonParam(params, "commands"));
                yield json.getNodeFactory().booleanNode(true);
            }
            case "getmycommands" -> telegram.commands();
            default -> throw new BotApiException(404, "Not Found");
        };
    }

    /** Query and form parameters arrive as strings, a JSON body as typed values; Telegram takes all three. */
    private ObjectNode params(HttpExchange exchange) throws IOException {
        ObjectNode params = json.createObjectNode();
        putForm(params, exchange.getRequestURI().getRawQuery());
        byte[] body = exchange.getRequestBody().readAllBytes();
        String contentType = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
        if (contentType.contains("json") && body.length > 0) {
            try {
                JsonNode parsed = json.readTree(body);
                if (parsed.isObject()) {
                    params.setAll((ObjectNode) parsed);
                }
            } catch (JacksonException e) {
                throw new BotApiException(400, "Bad Request: can't parse JSON object");
            }
        } else if (contentType.contains("x-www-form-urlencoded")) {
            putForm(params, new String(body, StandardCharsets.UTF_8));
        }
        return params;
    }

    private static void putForm(ObjectNode params, @Nullable String form) {
        if (form == null || form.isEmpty()) {
            return;
        }
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.put(name, value);
        }
    }

    private static long longParam(ObjectNode params, String name, long missing) {
        JsonNode value = params.get(name);
        if (value == null || value.isNull()) {
            return missing;
        }
        if (value.isNumber()) {
            return value.longValue();
        }
        try {
            return Long.parseLong(value.asString().trim());
        } catch (NumberFormatException e) {
            throw new BotApiException(400, "Bad Request: invalid " + name);
        }
    }

    /** A structured parameter: an object in a JSON body, a JSON string in a form. */
    private @Nullable JsonNode jsonParam(ObjectNode params, String name) {
        JsonNode value = params.get(name);
        if (value == null || !value.isString()) {
            return value;
        }
        try {
            return json.readTree(value.asString());
        } catch (JacksonException e) {
            throw new BotApiException(400, "Bad Request: can't parse " + name);
        }
    }
}
