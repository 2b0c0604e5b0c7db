package uz.lms.registration.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import uz.lms.registration.testsupport.FakeVerifier;

/** Settings the gateway refuses to start with, and what it does with those it accepts. */
@ExtendWith(OutputCaptureExtension.class)
class StartupTests {

    @ParameterizedTest
    @ValueSource(strings = {"", " "})
    void productionRefusesToTrustCallersWithoutAnApiKey(String apiKey) {
        // The refusal comes before any connection is made, so no broker is needed.
        Throwable refusal = catchThrowable(() -> new SpringApplicationBuilder(GatewayServiceApplication.class)
                .run(
                        "--spring.profiles.active=prod",
                        "--server.port=0",
                        "--gateway.trust-caller-phone-numbers=true",
                        "--gateway.api-key=" + apiKey));

        assertThat(refusal)
                .hasMessageContaining("Refusing to start with the 'prod' profile: "
                        + "gateway.trust-caller-phone-numbers=true needs gateway.api-key");
    }

    @Test
    void productionRefusesAnApiKeyShorterThan32CharactersWithoutQuotingIt() {
        String shortKey = "k".repeat(31);
        Throwable refusal = catchThrowable(() -> new SpringApplicationBuilder(GatewayServiceApplication.class)
                .run(
                        "--spring.profiles.active=prod",
                        "--server.port=0",
                        "--gateway.api-key=" + RunningGateway.API_KEY + "," + shortKey));

        assertThat(refusal)
                .hasMessageContaining("Refusing to start with the 'prod' profile: gateway.api-key must have at least 32"
                        + " characters in each key (key 2 of 2 has fewer)")
                .hasMessageNotContaining(shortKey);
    }

    @Test
    void productionTrustsCallersThatHoldAnApiKey() {
        long user = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        try (FakeVerifier verifier = FakeVerifier.start();
                RunningGateway gateway = RunningGateway.start(
                        "spring.profiles.active=prod", "gateway.trust-caller-phone-numbers=true")) {

            // The first request after start-up may wait for the producer to learn the topics' partitions.
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> gateway.register(user, "+998901234567").status() == 200);

            assertThat(verifier.registrations(user))
                    .isNotEmpty()
                    .allSatisfy(command -> assertThat(command.vouched()).isTrue());
        }
    }

    @Test
    void outsideProductionTrustingCallersWithoutAnApiKeyOnlyWarns(CapturedOutput output) {
        try (RunningGateway gateway =
                RunningGateway.start("gateway.trust-caller-phone-numbers=true", "gateway.api-key=")) {
            assertThat(output)
                    .contains("gateway.trust-caller-phone-numbers=true needs gateway.api-key: without it, anyone who"
                            + " can reach POST /register can bind any phone number to any telegram_id");
        }
    }
}
