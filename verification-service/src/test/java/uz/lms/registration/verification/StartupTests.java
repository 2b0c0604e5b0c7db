package uz.lms.registration.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import uz.lms.registration.testsupport.EmbeddedInfrastructure;

/** Settings the service refuses to start with. */
class StartupTests {

    private static final String SAFE_SECRET = "a-production-secret-of-more-than-32-characters";

    @ParameterizedTest
    @ValueSource(
            strings = {
                "max-attempts=11",
                "max-failures=101",
                "max-codes-per-window=101",
                "code-ttl=11m",
                "failure-lockout=0s",
                "unverified-retention=10m"
            })
    void aLimitOutOfItsBoundsRefusesToStart(String setting) {
        String name = setting.substring(0, setting.indexOf('='));

        assertThatThrownBy(() -> start("verification." + setting))
                .rootCause()
                .hasMessageContaining("verification." + name);
    }

    @Test
    void productionRefusesToStartWithoutACodeSecret() {
        assertThat(startInProduction("spring.datasource.password=s3cret"))
                .hasMessageContaining("verification.code-secret must be set");
    }

    @Test
    void productionRefusesToStartWithACodeSecretShorterThan32Characters() {
        assertThat(startInProduction("verification.code-secret=" + "x".repeat(31), "spring.datasource.password=s3cret"))
                .hasMessageContaining("verification.code-secret must be at least 32 characters");
    }

    @Test
    void productionRefusesToStartWithTheDevelopmentCodeSecret() {
        assertThat(startInProduction(
                        "verification.code-secret=" + CodeSecret.DEVELOPMENT_SECRET,
                        "spring.datasource.password=s3cret"))
                .hasMessageContaining("verification.code-secret must not be the development key");
    }

    @Test
    void productionRefusesToStartWithTheDefaultDatabasePassword() {
        assertThat(startInProduction("verification.code-secret=" + SAFE_SECRET, "spring.datasource.password=lms"))
                .hasMessageContaining("spring.datasource.password must not be the default one");
    }

    @Test
    void productionStartsWithSafeSettings() {
        try (ConfigurableApplicationContext service =
                start("spring.profiles.active=prod", "verification.code-secret=" + SAFE_SECRET)) {
            URI readiness = URI.create("http://localhost:"
                    + ((WebServerApplicationContext) service).getWebServer().getPort()
                    + "/actuator/health/readiness");

            // Ready: the database answering, and every command listener running and assigned its partitions.
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(HttpClient.newHttpClient()
                                    .send(
                                            HttpRequest.newBuilder(readiness).build(),
                                            HttpResponse.BodyHandlers.ofString()))
                            .satisfies(response -> {
                                assertThat(response.statusCode()).isEqualTo(200);
                                assertThat(response.body()).contains("\"status\":\"UP\"");
                            }));
        }
    }

    /** The whole service on the embedded broker and a database of its own. */
    private static ConfigurableApplicationContext start(String... settings) {
        List<String> arguments = new ArrayList<>(List.of(
                "--server.port=0",
                "--verification.instance-id=",
                "--spring.kafka.bootstrap-servers=" + EmbeddedInfrastructure.bootstrapServers(),
                "--spring.datasource.url=" + EmbeddedInfrastructure.newDatabase(),
                "--spring.datasource.username=postgres",
                "--spring.datasource.password=postgres"));
        for (String setting : settings) {
            arguments.add("--" + setting);
        }
        return new SpringApplicationBuilder(VerificationServiceApplication.class).run(arguments.toArray(String[]::new));
    }

    /** The refusal comes before any connection is made, so no broker nor database is needed. */
    private static Throwable startInProduction(String... settings) {
        List<String> arguments = new ArrayList<>(List.of("--spring.profiles.active=prod", "--server.port=0"));
        for (String setting : settings) {
            arguments.add("--" + setting);
        }
        return catchThrowable(() -> new SpringApplicationBuilder(VerificationServiceApplication.class)
                .run(arguments.toArray(String[]::new)));
    }
}
