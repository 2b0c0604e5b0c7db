package uz.lms.registration.localstack;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The fault suite's HTTP clients: each registers a new user, takes the code from {@code verification.codes}
 * and verifies with it, again and again, through the gateway, which trusts their numbers (with an API key).
 */
final class LoadDriver {

    static final int CLIENTS = 8;
    /** Longer than the gateway's 5 s reply timeout: a 503 is the gateway's answer, not the client's guess. */
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(15);

    private static final Duration RECOVERY = Duration.ofMinutes(3);

    /** One HTTP request and its answer: {@code status} 0 when none came (connection refused or cut). */
    record Request(String kind, long telegramId, Instant sent, Instant answered, int status) {}

    /** The requests of one fault's window, and the clients that make them. */
    static final class Phase {
        final ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();
        final Set<Long> users = ConcurrentHashMap.newKeySet();
        final List<Thread> clients = new ArrayList<>();
        final long deadLettersBefore;
        volatile boolean loading = true;

        Phase(long deadLettersBefore) {
            this.deadLettersBefore = deadLettersBefore;
        }

        /** The users of the requests of this kind answered {@code status}. */
        List<Long> answered(String kind, int status) {
            return requests.stream()
                    .filter(request -> request.kind().equals(kind) && request.status() == status)
                    .map(Request::telegramId)
                    .toList();
        }
    }

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI gateway;
    private final String apiKey;
    private final TopicIndex topics;
    private final AtomicLong telegramIds =
            new AtomicLong(800_000_000_000L + ThreadLocalRandom.current().nextLong(1_000_000_000L));
    private final AtomicLong phoneNumbers =
            new AtomicLong(ThreadLocalRandom.current().nextLong(1_000_000L));
    private @Nullable Phase current;

    LoadDriver(URI gateway, String apiKey, TopicIndex topics) {
        this.gateway = gateway;
        this.apiKey = apiKey;
        this.topics = topics;
    }

    Phase start(long deadLettersBefore) throws InterruptedException {
        // A fault that failed before its figures leaves its clients running: they must not load the next one.
        stop();
        Phase phase = new Phase(deadLettersBefore);
        current = phase;
        for (int i = 0; i < CLIENTS; i++) {
            phase.clients.add(Thread.ofVirtual().start(() -> drive(phase)));
        }
        return phase;
    }

    /** Stops the clients of the current phase and waits for their last requests. */
    void stop() throws InterruptedException {
        Phase phase = current;
        if (phase == null) {
            return;
        }
        phase.loading = false;
        for (Thread client : phase.clients) {
            client.join();
        }
        current = null;
    }

    Instant awaitFirstSuccess(Phase phase, Instant after) {
        return await().atMost(RECOVERY)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> firstSuccess(phase, after), Optional::isPresent)
                .orElseThrow();
    }

    /** When the first request sent after {@code after} that succeeded was answered. */
    static Optional<Instant> firstSuccess(Phase phase, Instant after) {
        return phase.requests.stream()
                .filter(request -> request.status() == 200 && request.sent().isAfter(after))
                .map(Request::answered)
                .min(Instant::compareTo);
    }

    private void drive(Phase phase) {
        while (phase.loading) {
            long telegramId = telegramIds.incrementAndGet();
            phase.users.add(telegramId);
            String phoneNumber = "+99890" + String.format("%07d", phoneNumbers.incrementAndGet() % 10_000_000);
            Request registration = send(
                    phase,
                    "register",
                    telegramId,
                    "{\"telegram_id\":" + telegramId + ",\"phone_number\":\"" + phoneNumber + "\"}");
            if (registration.status() != 200) {
                pause(registration);
                continue;
            }
            Optional<String> code = awaitCode(telegramId);
            if (code.isEmpty()) {
                continue;
            }
            Request verification = send(
                    phase,
                    "verify",
                    telegramId,
                    "{\"telegram_id\":" + telegramId + ",\"verification_code\":\"" + code.get() + "\"}");
            if (verification.status() != 200) {
                pause(verification);
            }
        }
    }

    private Request send(Phase phase, String kind, long telegramId, String body) {
        HttpRequest request = HttpRequest.newBuilder(gateway.resolve("/" + kind))
                .header("Content-Type", "application/json")
                .header("X-API-Key", apiKey)
                .timeout(HTTP_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        Instant sent = Instant.now();
        int status;
        try {
            status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException noAnswer) {
            status = 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = 0;
        }
        Request done = new Request(kind, telegramId, sent, Instant.now(), status);
        phase.requests.add(done);
        return done;
    }

    /** A refused connection fails at once: no loop at full speed while the gateway is down. */
    private static void pause(Request failed) {
        if (Duration.between(failed.sent(), failed.answered()).toMillis() < 200) {
            sleep(200);
        }
    }

    private Optional<String> awaitCode(long telegramId) {
        Instant giveUp = Instant.now().plus(Duration.ofSeconds(10));
        while (Instant.now().isBefore(giveUp)) {
            Optional<String> code = topics.code(telegramId);
            if (code.isPresent() || !sleep(20)) {
                return code;
            }
        }
        return Optional.empty();
    }

    /** @return false when interrupted */
    private static boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
