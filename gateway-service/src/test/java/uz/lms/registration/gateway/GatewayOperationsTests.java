package uz.lms.registration.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import uz.lms.registration.gateway.RunningGateway.Response;
import uz.lms.registration.testsupport.FakeVerifier;

/**
 * The gateway on the embedded broker with no verification-service running (but for one test, which
 * starts and stops a fake one): what operators and API clients see without replies.
 */
class GatewayOperationsTests {

    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(2);

    private static RunningGateway gateway;

    @BeforeAll
    static void start() {
        // Requests come one after another from one address here; the limits are GatewayLoadTests'.
        gateway = RunningGateway.start(
                "gateway.reply-timeout=" + REPLY_TIMEOUT.toMillis() + "ms", "gateway.rate-limit.enabled=false");
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void withoutVerificationServiceBothEndpointsAnswer503WithinTheReplyTimeout() {
        assertBothEndpointsAnswer503WithinTheReplyTimeout();
    }

    @Test
    void onceVerificationServiceStopsBothEndpointsAnswer503WithinTheReplyTimeout() {
        try (FakeVerifier verifier = FakeVerifier.start()) {
            await().atMost(Duration.ofSeconds(60))
                    .until(
                            () -> gateway.register(newTelegramId(), newPhoneNumber())
                                    .status(),
                            status -> status == 200);
        }

        assertBothEndpointsAnswer503WithinTheReplyTimeout();
    }

    @Test
    void manyWaitingRequestsAllWaitAtOnceAndHoldNoThread() throws Exception {
        // More than Tomcat's 200 platform threads: all of them wait at once only if none holds a thread. A reply
        // timeout of its own, long enough for all of them to be sent on a loaded machine before the first times out.
        int requests = 300;
        try (RunningGateway patient = RunningGateway.start(
                "gateway.reply-timeout=15s", "gateway.rate-limit.enabled=false", "gateway.max-in-flight=1000")) {
            MeterRegistry meters = patient.context().getBean(MeterRegistry.class);
            // Requests being served, by method and URI: registered with the first of them.
            IntSupplier waiting = () -> meters.find("http.server.requests.active").longTaskTimers().stream()
                    .mapToInt(LongTaskTimer::activeTasks)
                    .sum();
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            int threadsBefore = threads.getThreadCount();
            var responses = new ArrayList<CompletableFuture<Response>>();
            try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < requests; i++) {
                    responses.add(CompletableFuture.supplyAsync(
                            () -> patient.register(newTelegramId(), newPhoneNumber()), clients));
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> waiting.getAsInt() == requests);

                // Platform threads only: a virtual thread waiting is not one of them.
                assertThat(threads.getThreadCount()).isLessThan(threadsBefore + requests / 2);
                for (var response : responses) {
                    assertThat(response.get().status()).isEqualTo(503);
                }
            }
        }
    }

    @Test
    void aBodyOverTheLimitIsTooLargeWhetherItsLengthIsDeclaredOrNot() {
        String huge = "{\"telegram_id\": 1, \"phone_number\": \"" + "1".repeat(70_000) + "\"}";
        Response declared = gateway.post("/register", huge);
        Response chunked = gateway.send(gateway.request("/verify")
                .header("Content-Type", "application/json")
                .header("X-API-Key", RunningGateway.API_KEY)
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(huge.getBytes(StandardCharsets.UTF_8)))));

        for (Response response : List.of(declared, chunked)) {
            assertThat(response.status()).isEqualTo(413);
            assertThat(response.json().toString()).isEqualTo("{\"detail\":\"Request body too large\"}");
        }
    }

    @Test
    void readinessIncludesKafka() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Response readiness = gateway.get("/actuator/health/readiness");
            assertThat(readiness.status()).isEqualTo(200);
            assertThat(readiness.json().get("status").asString()).isEqualTo("UP");
        });
        assertThat(gateway.get("/actuator/health/liveness").status()).isEqualTo(200);
        // Unlike the API's endpoints, actuator's negotiate what they answer.
        assertThat(gateway.send(gateway.request("/actuator/health/liveness")
                                .header("Accept", "text/html")
                                .GET())
                        .status())
                .isEqualTo(406);
    }

    @Test
    void prometheusExposesRequestLatencyHistogramsAndOutcomes() {
        gateway.register(newTelegramId(), newPhoneNumber());
        gateway.post("/register", "{}");

        String metrics = gateway.get("/actuator/prometheus").body();

        assertThat(metrics)
                .contains("http_server_requests_seconds_bucket{")
                .contains("gateway_outcomes_total{endpoint=\"register\",outcome=\"unavailable\"")
                .contains("gateway_outcomes_total{endpoint=\"register\",outcome=\"invalid_request\"");
    }

    @Test
    void onlyHealthAndPrometheusAreExposed() {
        for (String path : List.of(
                "/actuator",
                "/actuator/",
                "/actuator/env",
                "/actuator/beans",
                "/actuator/configprops",
                "/actuator/metrics",
                "/actuator/loggers",
                "/actuator/heapdump",
                "/actuator/info")) {
            Response response = gateway.get(path);
            assertThat(response.status()).as(path).isEqualTo(404);
            assertThat(response.json().get("detail").asString()).isEqualTo("Not Found");
        }
    }

    @Test
    void docsIsTheSwaggerUiPageItselfNotARedirect() {
        Response docs = gateway.send(
                gateway.request("/docs").header("Accept", "application/json").GET());

        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.contentType()).startsWith("text/html");
        List<String> assets = Pattern.compile("(?:href|src)=\"([^\"]+)\"")
                .matcher(docs.body())
                .results()
                .map(asset -> asset.group(1))
                .toList();
        assertThat(assets).contains("swagger-ui/swagger-ui-bundle.js", "swagger-ui/swagger-initializer.js");
        for (String asset : assets) {
            assertThat(gateway.get("/" + asset).status()).as(asset).isEqualTo(200);
        }
        assertThat(gateway.get("/swagger-ui/swagger-initializer.js").body()).contains("/openapi.json");
    }

    @Test
    void theOpenApiDocumentDocumentsEveryStatusOfBothEndpoints() {
        Response document = gateway.get("/openapi.json");

        assertThat(document.status()).isEqualTo(200);
        JsonNode paths = document.json().get("paths");
        assertThat(paths.propertyNames()).containsExactlyInAnyOrder("/register", "/verify");
        assertThat(paths.get("/register").get("post").get("responses").propertyNames())
                .containsExactlyInAnyOrder("200", "401", "409", "413", "422", "429", "503");
        assertThat(paths.get("/verify").get("post").get("responses").propertyNames())
                .containsExactlyInAnyOrder("200", "400", "401", "409", "413", "422", "429", "503");
        for (String path : List.of("/register", "/verify")) {
            for (String status : List.of("429", "503")) {
                assertThat(paths.get(path)
                                .get("post")
                                .get("responses")
                                .get(status)
                                .get("headers")
                                .has("Retry-After"))
                        .as(path + " " + status)
                        .isTrue();
            }
        }
        JsonNode schemas = document.json().get("components").get("schemas");
        assertThat(schemas.get("RegisterRequest").get("properties").propertyNames())
                .containsExactlyInAnyOrder("telegram_id", "phone_number");
        assertThat(schemas.get("VerifyRequest").get("properties").propertyNames())
                .containsExactlyInAnyOrder("telegram_id", "verification_code");
        assertThat(document.json()
                        .get("components")
                        .get("securitySchemes")
                        .get("api-key")
                        .get("name")
                        .asString())
                .isEqualTo("X-API-Key");
    }

    private static void assertBothEndpointsAnswer503WithinTheReplyTimeout() {
        for (Supplier<Response> call : List.<Supplier<Response>>of(
                () -> gateway.register(newTelegramId(), newPhoneNumber()),
                () -> gateway.verify(newTelegramId(), "348291"))) {
            long started = System.nanoTime();
            Response response = call.get();
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(response.status()).isEqualTo(503);
            assertThat(response.retryAfter()).contains("5");
            assertThat(response.json().toString()).isEqualTo("{\"detail\":\"Service temporarily unavailable\"}");
            // Not before the reply timeout, which the gateway keeps; and well before the next timeout on the way,
            // the producer's max.block.ms of 5 s, however slowly a loaded machine answers.
            assertThat(took)
                    .isGreaterThanOrEqualTo(REPLY_TIMEOUT.minusMillis(50))
                    .isLessThan(REPLY_TIMEOUT.multipliedBy(2));
        }
    }

    private static String newPhoneNumber() {
        return "+99890" + ThreadLocalRandom.current().nextInt(1_000_000, 10_000_000);
    }

    private static long newTelegramId() {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }
}
