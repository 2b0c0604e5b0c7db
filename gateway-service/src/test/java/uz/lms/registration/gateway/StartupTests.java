package uz.lms.registration.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Settings the gateway refuses to start with. */
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
    void productionTrustsCallersThatHoldAnApiKey() {
        try (RunningGateway gateway =
                RunningGateway.start("spring.profiles.active=prod", "gateway.trust-caller-phone-numbers=true")) {
            assertThat(gateway.context().isRunning()).isTrue();
        }
    }

    @Test
    void outsideProductionTrustingCallersWithoutAnApiKeyOnlyWarns(CapturedOutput output) {
        try (RunningGateway gateway =
                RunningGateway.start("gateway.trust-caller-phone-numbers=true", "gateway.api-key=")) {
            assertThat(gateway.context().isRunning()).isTrue();
            assertThat(output)
                    .contains("gateway.trust-caller-phone-numbers=true needs gateway.api-key: without it, anyone who"
                            + " can reach POST /register can bind any phone number to any telegram_id");
        }
    }
}
