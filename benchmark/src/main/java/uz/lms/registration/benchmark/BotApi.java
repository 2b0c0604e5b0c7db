package uz.lms.registration.benchmark;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A Bot API stand-in for telegram-service under load: it accepts a {@code sendMessage} to any chat (the
 * sandbox knows only chats that pressed START) and notes when the first message reached each chat, in
 * microseconds since the epoch; {@code GET /arrivals} lists them as {@code chat_id micros} lines, and
 * {@code GET /count} says how many there are. Long
 * polls wait and find no updates. Message texts hold codes: they are neither kept nor printed.
 *
 * <p>{@code java -cp benchmark/target/classes uz.lms.registration.benchmark.BotApi <port>}
 */
public final class BotApi {

    private static final Pattern CHAT_ID = Pattern.compile("\"?chat_id\"?\\s*[:=]\\s*\"?(-?\\d+)");
    private static final Pattern TIMEOUT = Pattern.compile("\"?timeout\"?\\s*[:=]\\s*\"?(\\d+)");
    private static final long MAX_LONG_POLL_SECONDS = 5;

    private final Map<Long, Long> arrivals = new ConcurrentHashMap<>();
    private long messageIds;

    public static void main(String[] args) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 512);
        BotApi api = new BotApi();
        server.createContext("/", api::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            long arrived = micros(Instant.now());
            String path = exchange.getRequestURI().getPath();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String method = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
            String answer = switch (method) {
                case "arrivals" -> arrivals();
                case "count" -> String.valueOf(arrivals.size());
                case "getme" ->
                    ok("{\"id\":7000000001,\"is_bot\":true,\"first_name\":\"Benchmark\","
                            + "\"username\":\"benchmark_bot\"}");
                case "getupdates" -> longPoll(body);
                case "sendmessage" -> sent(body, arrived);
                default -> ok("true");
            };
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    private String arrivals() {
        return arrivals.entrySet().stream()
                .map(arrival -> arrival.getKey() + " " + arrival.getValue() + "\n")
                .collect(Collectors.joining());
    }

    private static String longPoll(String body) {
        Matcher timeout = TIMEOUT.matcher(body);
        long seconds = timeout.find() ? Math.min(Long.parseLong(timeout.group(1)), MAX_LONG_POLL_SECONDS) : 0;
        try {
            TimeUnit.SECONDS.sleep(seconds);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ok("[]");
    }

    private String sent(String body, long arrived) {
        Matcher chat = CHAT_ID.matcher(body);
        long chatId = chat.find() ? Long.parseLong(chat.group(1)) : 0;
        arrivals.putIfAbsent(chatId, arrived);
        long messageId;
        synchronized (this) {
            messageId = ++messageIds;
        }
        return ok("{\"message_id\":%d,\"date\":%d,\"chat\":{\"id\":%d,\"type\":\"private\"},\"text\":\"\"}"
                .formatted(messageId, Instant.now().getEpochSecond(), chatId));
    }

    private static String ok(String result) {
        return "{\"ok\":true,\"result\":" + result + "}";
    }

    static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }
}
