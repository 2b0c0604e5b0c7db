package uz.lms.registration.gateway.protection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.verify;
import static uz.lms.registration.gateway.protection.ThrottleTests.from;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import uz.lms.registration.client.VerificationClient;
import uz.lms.registration.contracts.RegistrationOutcome;
import uz.lms.registration.contracts.RegistrationReply;
import uz.lms.registration.gateway.fastapi.Outcomes;
import uz.lms.registration.testsupport.MutableClock;

/** With {@code gateway.api-key} set, the client is whoever holds the key: the operator's front end. */
@WebMvcTest(
        properties = {
            "gateway.api-key=s3cret-key",
            "gateway.rate-limit.per-client.burst=3",
            "gateway.rate-limit.per-client.per-second=1"
        })
@Import({Outcomes.class, SimpleMeterRegistry.class, ThrottleTests.Time.class})
class ThrottleWithApiKeyTests {

    @Autowired
    private MockMvcTester mvc;

    @Autowired
    private MutableClock clock;

    @MockitoBean
    private VerificationClient verificationClient;

    @BeforeEach
    void theBucketIsFullAndVerificationServiceAnswers() {
        clock.advance(Duration.ofHours(1));
        given(verificationClient.register(any()))
                .willReturn(CompletableFuture.completedFuture(new RegistrationReply(
                        UUID.randomUUID(), Instant.now(), 1, new RegistrationOutcome.CodeSent(60))));
    }

    @Test
    void everyHolderOfTheKeyIsOneClientWhateverItsAddress() {
        for (String address : new String[] {"203.0.113.20", "203.0.113.21", "203.0.113.22"}) {
            assertThat(register(address, "s3cret-key")).hasStatusOk();
        }

        assertThat(register("203.0.113.23", "s3cret-key")).hasStatus(429);
    }

    @Test
    void aFloodWithoutTheKeyIsNotAuthenticatedAndLeavesTheHolderItsTokens() {
        for (int i = 0; i < 10; i++) {
            assertThat(register("203.0.113.24", "wrong-key")).hasStatus(401);
        }

        assertThat(register("203.0.113.25", "s3cret-key")).hasStatusOk();
        verify(verificationClient).register(any());
    }

    private MvcTestResult register(String address, String key) {
        return mvc.post()
                .uri("/register")
                .with(from(address))
                .header("X-API-Key", key)
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"telegram_id\": 1, \"phone_number\": \"+998901234567\"}")
                .exchange();
    }
}
