package uz.lms.registration.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;
import uz.lms.registration.testsupport.EmbeddedInfrastructureInitializer;

/** What operators see on the actuator port: health probes and Prometheus metrics, nothing else. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"verification.reply-topics=" + TestClient.REPLY_TOPICS, "verification.instance-id="})
@ContextConfiguration(initializers = EmbeddedInfrastructureInitializer.class)
class OperationsTests {

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Test
    void healthHasLivenessAndReadinessGroups() throws Exception {
        assertThat(get("/actuator/health/liveness")).isEqualTo(200);
        // Ready once the listeners' groups have given them their partitions, which may come after the start.
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> assertThat(get("/actuator/health/readiness")).isEqualTo(200));
        assertThat(get("/actuator/health")).as("the outbox publishes").isEqualTo(200);
    }

    @Test
    void prometheusShowsCommandsByOutcomeAndCodesIssued() throws Exception {
        try (TestClient client = new TestClient()) {
            client.register(VerificationServiceTest.newTelegramId(), VerificationServiceTest.newPhoneNumber());
        }

        String metrics = body("/actuator/prometheus");

        assertThat(metrics)
                .contains("verification_codes_issued_total")
                .containsPattern("verification_commands_seconds_count\\{command=\"register\",outcome=\"code_sent\"")
                .contains("verification_commands_seconds_bucket")
                .contains("verification_outbox_age_seconds")
                .contains("verification_outbox_publisher_alive 1.0");
    }

    /** Every series of the funnel is there from the start, at zero, for rates and ratios to be taken at once. */
    @Test
    void prometheusShowsTheFunnelAndEachConsumerGroupsLag() throws Exception {
        String metrics = body("/actuator/prometheus");

        assertThat(metrics)
                .contains("verification_codes_verified_total{channel=\"chat\"}")
                .contains("verification_codes_verified_total{channel=\"http\"}")
                .contains("verification_checks_failed_total{channel=\"http\"}")
                .contains("verification_lockouts_total{kind=\"account\"}")
                .contains("verification_lockouts_total{kind=\"code\"}")
                .contains("verification_time_to_verify_seconds_bucket{channel=\"chat\",le=\"600.0\"}");
        for (String group : List.of("registrations", "verifications", "chat-registrations", "chat-verifications")) {
            assertThat(metrics)
                    .containsPattern(
                            "kafka_consumer_fetch_manager_records_lag_max\\{[^}]*group_id=\"verification-service\\."
                                    + group + "\"");
        }
    }

    @Test
    void nothingElseUnderActuatorIsExposed() throws Exception {
        assertThat(get("/actuator/env")).isEqualTo(404);
        assertThat(get("/actuator/beans")).isEqualTo(404);
        assertThat(get("/actuator")).isEqualTo(404);
        assertThat(get("/error")).as("never a 5xx").isEqualTo(404);
    }

    private int get(String path) throws Exception {
        return http.send(request(path), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private String body(String path) throws Exception {
        return http.send(request(path), HttpResponse.BodyHandlers.ofString()).body();
    }

    private HttpRequest request(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .build();
    }
}
