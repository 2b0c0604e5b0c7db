package uz.lms.registration.benchmark;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Code delivery time: registers fresh users at a constant rate (open loop) and, for each {@code /register}
 * answered 200, takes the time from that answer to the code's {@code sendMessage} reaching the Bot API
 * ({@link BotApi}). A message that arrives before the client has read its 200 counts as 0.
 *
 * <p>{@code java -cp benchmark/target/classes uz.lms.registration.benchmark.DeliveryProbe <gateway url>
 * <bot api url> <first user> <per second> <seconds>}; prints one line: {@code sent ok delivered p50_ms p99_ms
 * max_ms}.
 */
public final class DeliveryProbe {

    public static void main(String[] args) throws IOException, InterruptedException {
        URI gateway = URI.create(args[0]);
        URI botApi = URI.create(args[1]);
        long firstUser = Long.parseLong(args[2]);
        int perSecond = Integer.parseInt(args[3]);
        int seconds = Integer.parseInt(args[4]);
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        Map<Long, Long> answered = new ConcurrentHashMap<>();
        List<CompletableFuture<?>> calls = new ArrayList<>();
        long start = System.nanoTime();
        int total = perSecond * seconds;
        for (int i = 0; i < total; i++) {
            long due = start + TimeUnit.SECONDS.toNanos(i) / perSecond;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            long n = firstUser + i;
            HttpRequest register = HttpRequest.newBuilder(gateway.resolve("/register"))
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(BenchmarkUsers.registerBody(n)))
                    .build();
            calls.add(http.sendAsync(register, HttpResponse.BodyHandlers.discarding())
                    .thenAccept(response -> {
                        if (response.statusCode() == 200) {
                            answered.put(BenchmarkUsers.telegramId(n), BotApi.micros(Instant.now()));
                        }
                    }));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
                .exceptionally(failure -> null)
                .join();

        // Every code that is coming comes within seconds; one that never does counts as not delivered.
        Map<Long, Long> arrivals = new HashMap<>();
        long patience = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        do {
            TimeUnit.MILLISECONDS.sleep(500);
            arrivals.clear();
            http.send(HttpRequest.newBuilder(botApi.resolve("/arrivals")).build(), HttpResponse.BodyHandlers.ofString())
                    .body()
                    .lines()
                    .map(line -> line.split(" "))
                    .forEach(pair -> arrivals.put(Long.parseLong(pair[0]), Long.parseLong(pair[1])));
        } while (!arrivals.keySet().containsAll(answered.keySet()) && System.nanoTime() < patience);

        long[] millis = answered.entrySet().stream()
                .filter(ok -> arrivals.containsKey(ok.getKey()))
                .mapToLong(ok -> Math.max(0, arrivals.get(ok.getKey()) - ok.getValue()))
                .sorted()
                .toArray();
        System.out.printf(
                "%d %d %d %.1f %.1f %.1f%n",
                total,
                answered.size(),
                millis.length,
                percentile(millis, 0.50) / 1000.0,
                percentile(millis, 0.99) / 1000.0,
                millis.length == 0 ? 0 : millis[millis.length - 1] / 1000.0);
    }

    private static long percentile(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)];
    }

    private DeliveryProbe() {}
}
