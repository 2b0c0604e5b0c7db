package uz.lms.registration.gateway;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import uz.lms.registration.gateway.RunningGateway.Response;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway alone on the embedded broker, with no verification-service running: what operators
 * and API clients see without a single reply.
 */
class GatewayOperationsTests {

    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(1);

    private static RunningGateway gateway;

    @BeforeAll
    static void start() {
        gateway = RunningGateway.start("gateway.reply-timeout=" + REPLY_TIMEOUT.toMillis() + "ms");
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void withoutVerificationServiceBothEndpointsAnswer503WithinTheReplyTimeout() {
        for (var call : List.<java.util.function.Supplier<Response>>of(
                () -> gateway.register(newTelegramId(), "+998901234567"),
                () -> gateway.verify(newTelegramId(), "348291"))) {
            long started = System.nanoTime();
            Response response = call.get();
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(response.status()).isEqualTo(503);
            assertThat(response.json().toString()).isEqualTo("{\"detail\":\"Service temporarily unavailable\"}");
            assertThat(took).isGreaterThanOrEqualTo(REPLY_TIMEOUT.minusMillis(50))
                    .isLessThan(REPLY_TIMEOUT.plusMillis(1500));
        }
    }

    @Test
    void manyWaitingRequestsHoldNoThreadAndAllTimeOutTogether() throws Exception {
        // Far more concurrent waits than Tomcat's 200 platform threads would allow.
        int requests = 300;
        long started = System.nanoTime();
        var responses = new java.util.ArrayList<java.util.concurrent.CompletableFuture<Response>>();
        try (var clients = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < requests; i++) {
                responses.add(java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> gateway.register(newTelegramId(), "+998901234567"), clients));
            }
            for (var response : responses) {
                assertThat(response.get().status()).isEqualTo(503);
            }
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(REPLY_TIMEOUT.multipliedBy(8));
    }

    @Test
    void readinessIncludesKafka() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Response readiness = gateway.get("/actuator/health/readiness");
            assertThat(readiness.status()).isEqualTo(200);
            assertThat(readiness.json().get("status").asString()).isEqualTo("UP");
        });
        assertThat(gateway.get("/actuator/health/liveness").status()).isEqualTo(200);
    }

    @Test
    void prometheusExposesRequestLatencyHistogramsAndOutcomes() {
        gateway.register(newTelegramId(), "+998901234567");
        gateway.post("/register", "{}");

        String metrics = gateway.get("/actuator/prometheus").body();

        assertThat(metrics)
                .contains("http_server_requests_seconds_bucket{")
                .contains("gateway_outcomes_total{endpoint=\"register\",outcome=\"unavailable\"")
                .contains("gateway_outcomes_total{endpoint=\"register\",outcome=\"invalid_request\"");
    }

    @Test
    void onlyHealthAndPrometheusAreExposed() {
        for (String endpoint : List.of("env", "beans", "configprops", "metrics", "loggers", "heapdump", "info")) {
            Response response = gateway.get("/actuator/" + endpoint);
            assertThat(response.status()).as(endpoint).isEqualTo(404);
            assertThat(response.json().get("detail").asString()).isEqualTo("Not Found");
        }
    }

    @Test
    void swaggerUiIsServedAtDocs() {
        Response docs = gateway.get("/docs");

        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.contentType()).startsWith("text/html");
        assertThat(docs.body()).containsIgnoringCase("swagger");
    }

    @Test
    void theOpenApiDocumentDocumentsEveryStatusOfBothEndpoints() {
        Response document = gateway.get("/openapi.json");

        assertThat(document.status()).isEqualTo(200);
        JsonNode paths = document.json().get("paths");
        assertThat(paths.propertyNames()).containsExactlyInAnyOrder("/register", "/verify");
        assertThat(paths.get("/register").get("post").get("responses").propertyNames())
                .containsExactlyInAnyOrder("200", "401", "409", "422", "429", "503");
        assertThat(paths.get("/verify").get("post").get("responses").propertyNames())
                .containsExactlyInAnyOrder("200", "400", "401", "409", "422", "429", "503");
        assertThat(paths.get("/register").get("post").get("responses").get("429").get("headers").has("Retry-After"))
                .isTrue();
        JsonNode schemas = document.json().get("components").get("schemas");
        assertThat(schemas.get("RegisterRequest").get("properties").propertyNames())
                .containsExactlyInAnyOrder("telegram_id", "phone_number");
        assertThat(schemas.get("VerifyRequest").get("properties").propertyNames())
                .containsExactlyInAnyOrder("telegram_id", "verification_code");
        assertThat(document.json().get("components").get("securitySchemes").get("api-key").get("name").asString())
                .isEqualTo("X-API-Key");
    }

    private static long newTelegramId() {
        return java.util.concurrent.ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }
}
