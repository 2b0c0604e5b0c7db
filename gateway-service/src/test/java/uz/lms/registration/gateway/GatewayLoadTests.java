package uz.lms.registration.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import uz.lms.registration.gateway.RunningGateway.Response;
import uz.lms.registration.testsupport.FakeVerifier;

/**
 * Throttled callers and shed load, over HTTP against the gateway on the embedded broker with a
 * {@link FakeVerifier}. The API is open, so each address is a client: a burst of 5, then 1 a second. The tests
 * reach the gateway from localhost, which is a trusted proxy here, so each names its client in
 * {@code X-Forwarded-For}. At most 3 requests may wait for verification-service.
 */
class GatewayLoadTests {

    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_IN_FLIGHT = 3;
    private static final String PHONE = "+998901234567";

    private static FakeVerifier verifier;
    private static RunningGateway gateway;

    @BeforeAll
    static void start() {
        verifier = FakeVerifier.start();
        gateway = RunningGateway.start(
                "gateway.api-key=",
                "gateway.reply-timeout=" + REPLY_TIMEOUT.toMillis() + "ms",
                "gateway.max-in-flight=" + MAX_IN_FLIGHT,
                "gateway.rate-limit.per-client.burst=5",
                "gateway.rate-limit.per-client.per-second=1",
                "gateway.rate-limit.trusted-proxies=127.0.0.1,::1");
        // The first request after start-up waits for the producer to learn the topics' partitions.
        await().atMost(Duration.ofSeconds(60))
                .until(() -> register("192.0.2.1", newTelegramId()).status() == 200);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        verifier.close();
    }

    @Test
    void aFloodFromOneClientGets429WhileAnotherClientIsStillServed() {
        long flooder = newTelegramId();
        // One after another, as fast as the gateway answers: requests at once could be shed, at most 3 waiting.
        List<Response> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            answers.add(register("203.0.113.1", flooder));
        }

        List<Response> throttled =
                answers.stream().filter(answer -> answer.status() == 429).toList();
        long served = answers.stream().filter(answer -> answer.status() == 200).count();
        assertThat(throttled).isNotEmpty().allSatisfy(answer -> {
            String seconds = answer.retryAfter().orElseThrow();
            assertThat(Long.parseLong(seconds)).isPositive();
            assertThat(answer.detail()).isEqualTo("Too many requests, try again in " + seconds + " seconds");
        });
        assertThat(served + throttled.size()).isEqualTo(answers.size());
        // Membership questions are answered at the client's pace only: a throttled request is never sent.
        assertThat(verifier.registrations(flooder)).hasSize((int) served);

        assertThat(register("203.0.113.2", newTelegramId()).status()).isEqualTo(200);
        assertThat(gateway.get("/actuator/prometheus").body())
                .contains("gateway_outcomes_total{endpoint=\"register\",outcome=\"throttled\"");
    }

    @Test
    void whenVerificationServiceFallsBehindTheGatewaySheds503AtOnce() throws Exception {
        long shedUser = newTelegramId();
        verifier.staySilent();
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<Response>> stuck = fillInFlight(clients, "198.51.100.");

            long started = System.nanoTime();
            Response shed = register("198.51.100.9", shedUser);
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(shed.status()).isEqualTo(503);
            assertThat(shed.retryAfter()).contains("5");
            assertThat(shed.json().toString()).isEqualTo("{\"detail\":\"Service temporarily unavailable\"}");
            assertThat(took).isLessThan(REPLY_TIMEOUT.dividedBy(2));
            // The fake records what it reads on a thread of its own: a command sent would show within a second.
            await("no command sent for a shed request")
                    .during(Duration.ofSeconds(1))
                    .until(() -> verifier.registrations(shedUser).isEmpty());
            for (CompletableFuture<Response> request : stuck) {
                assertThat(request.get().status()).isEqualTo(503);
                assertThat(request.get().retryAfter()).contains("5");
            }
        } finally {
            verifier.answerAgain();
        }

        assertThat(register("198.51.100.9", shedUser).status()).isEqualTo(200);
        assertThat(gateway.get("/actuator/prometheus").body())
                .contains("gateway_outcomes_total{endpoint=\"register\",outcome=\"shed\"");
    }

    @Test
    void whileTheGatewaySheds503ComesBeforeTheBodyIsReadAndHealthStillAnswers() throws Exception {
        verifier.staySilent();
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<Response>> stuck = fillInFlight(clients, "198.51.100.1");

            // A body that is not even JSON would be a 422 once read: the excess is answered without reading it.
            Response shed = gateway.send(gateway.request("/verify")
                    .header("Content-Type", "application/json")
                    .header("X-Forwarded-For", "198.51.100.19")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"telegram_id\": ")));

            assertThat(shed.status()).isEqualTo(503);
            assertThat(shed.retryAfter()).contains("5");
            assertThat(shed.contentType()).startsWith("application/json");
            assertThat(shed.json().toString()).isEqualTo("{\"detail\":\"Service temporarily unavailable\"}");
            // Operators and orchestrators are not load: readiness must not fail because the API is busy.
            assertThat(gateway.get("/actuator/health/readiness").status()).isEqualTo(200);
            assertThat(gateway.get("/actuator/prometheus").body())
                    .contains("gateway_outcomes_total{endpoint=\"verify\",outcome=\"shed\"");
            for (CompletableFuture<Response> request : stuck) {
                assertThat(request.get().status()).isEqualTo(503);
            }
        } finally {
            verifier.answerAgain();
        }
    }

    @Test
    void docsAndActuatorAreNotLimited() {
        // Four times the client's burst, faster than its 1 a second refills: each would take a token if counted.
        for (int i = 0; i < 5; i++) {
            for (String path : List.of("/docs", "/openapi.json", "/actuator/health", "/actuator/prometheus")) {
                Response response = gateway.send(gateway.request(path)
                        .header("X-Forwarded-For", "203.0.113.3")
                        .GET());
                assertThat(response.status()).as(path).isEqualTo(200);
            }
        }

        assertThat(register("203.0.113.3", newTelegramId()).status()).isEqualTo(200);
    }

    /**
     * Sends {@value #MAX_IN_FLIGHT} registrations from clients of their own (prefix + 1, 2, ...) while the verifier is
     * silent, and returns once each command has been sent: the gateway's in-flight requests are all taken.
     */
    private static List<CompletableFuture<Response>> fillInFlight(ExecutorService clients, String addressPrefix) {
        List<Long> waiting = new ArrayList<>();
        List<CompletableFuture<Response>> stuck = new ArrayList<>();
        for (int i = 0; i < MAX_IN_FLIGHT; i++) {
            long user = newTelegramId();
            String client = addressPrefix + (i + 1);
            waiting.add(user);
            stuck.add(CompletableFuture.supplyAsync(() -> register(client, user), clients));
        }
        await().atMost(REPLY_TIMEOUT.dividedBy(2))
                .until(() -> waiting.stream()
                        .allMatch(user -> verifier.registrations(user).size() == 1));
        return stuck;
    }

    private static Response register(String client, long telegramId) {
        return gateway.send(gateway.request("/register")
                .header("Content-Type", "application/json")
                .header("X-Forwarded-For", client)
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"telegram_id\": " + telegramId + ", \"phone_number\": \"" + PHONE + "\"}")));
    }

    private static long newTelegramId() {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }
}
