package uz.lms.registration.gateway.protection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static uz.lms.registration.gateway.protection.ThrottleTests.from;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
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

/**
 * With {@code gateway.api-key} set, the client is whoever holds the key: the operator's front end, with a burst of 3,
 * then 1 a second. Each of the people it serves, told apart by {@code telegram_id}, may send 2 at once, then one every
 * 10 seconds; each address may send 3 wrong keys at once, then one every 10 seconds. Time moves by hand.
 */
@WebMvcTest(
        properties = {
            "gateway.api-key=s3cret-key",
            "gateway.rate-limit.per-client.burst=3",
            "gateway.rate-limit.per-client.per-second=1",
            "gateway.rate-limit.per-account.burst=2",
            "gateway.rate-limit.per-account.per-second=0.1",
            "gateway.rate-limit.failed-keys.burst=3",
            "gateway.rate-limit.failed-keys.per-second=0.1"
        })
@Import({Outcomes.class, SimpleMeterRegistry.class, ThrottleTests.Time.class})
class ThrottleWithApiKeyTests {

    private static final String KEY = "s3cret-key";
    private static final String THROTTLED_FOR_10_SECONDS =
            "{\"detail\": \"Too many requests, try again in 10 seconds\"}";

    @Autowired
    private MockMvcTester mvc;

    @Autowired
    private MutableClock clock;

    @Autowired
    private MeterRegistry meters;

    @MockitoBean
    private VerificationClient verificationClient;

    @BeforeEach
    void everyBucketIsFullAndVerificationServiceAnswers() {
        clock.advance(Duration.ofHours(1));
        given(verificationClient.register(any()))
                .willReturn(CompletableFuture.completedFuture(new RegistrationReply(
                        UUID.randomUUID(), Instant.now(), 1, new RegistrationOutcome.CodeSent(60))));
    }

    @Test
    void everyHolderOfTheKeyIsOneClientWhateverItsAddress() {
        long account = 1;
        for (String address : new String[] {"203.0.113.20", "203.0.113.21", "203.0.113.22"}) {
            assertThat(register(address, KEY, account++)).hasStatusOk();
        }

        assertThat(register("203.0.113.23", KEY, account)).hasStatus(429);
    }

    @Test
    void aFloodWithoutTheKeyIsNotAuthenticatedAndLeavesTheHolderItsTokens() {
        for (int i = 0; i < 10; i++) {
            assertThat(register("203.0.113." + (40 + i), "wrong-key", 1)).hasStatus(401);
        }

        assertThat(register("203.0.113.25", KEY, 1)).hasStatusOk();
        verify(verificationClient).register(any());
    }

    @Test
    void onePersonsFloodIsThrottledAndLeavesTheFrontEndItsShare() {
        for (int i = 0; i < 2; i++) {
            assertThat(register("203.0.113.26", KEY, 7)).hasStatusOk();
        }

        for (int i = 0; i < 5; i++) {
            assertThat(register("203.0.113.26", KEY, 7))
                    .hasStatus(429)
                    .hasHeader("Retry-After", "10")
                    .bodyJson()
                    .isStrictlyEqualTo(THROTTLED_FOR_10_SECONDS);
        }
        assertThat(register("203.0.113.26", KEY, 8)).hasStatusOk();
        verify(verificationClient, times(3)).register(any());
    }

    @Test
    void bothEndpointsCountForTheAccountUntilItsBucketRefills() {
        for (int i = 0; i < 2; i++) {
            assertThat(register("203.0.113.27", KEY, 9)).hasStatusOk();
        }

        assertThat(mvc.post()
                        .uri("/verify")
                        .with(from("203.0.113.27"))
                        .header("X-API-Key", KEY)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"telegram_id\": 9, \"verification_code\": \"348291\"}"))
                .hasStatus(429);
        verify(verificationClient, never()).verify(any());

        clock.advance(Duration.ofSeconds(10));
        assertThat(register("203.0.113.27", KEY, 9)).hasStatusOk();
    }

    @Test
    void anAddressThatKeepsSendingWrongKeysIsThrottled() {
        double throttledBefore = throttled();
        assertThat(register("203.0.113.30", "wrong-key", 1)).hasStatus(401);
        assertThat(register("203.0.113.30", null, 1)).hasStatus(401);
        assertThat(register("203.0.113.30", "s3cret-kez", 1)).hasStatus(401);

        assertThat(register("203.0.113.30", "wrong-key", 1))
                .hasStatus(429)
                .hasHeader("Retry-After", "10")
                .hasContentType(MediaType.APPLICATION_JSON)
                .bodyJson()
                .isStrictlyEqualTo(THROTTLED_FOR_10_SECONDS);
        assertThat(throttled()).isEqualTo(throttledBefore + 1);
    }

    @Test
    void pastItsLimitAnAddressIsNotToldWhetherAKeyIsRightUntilItsBucketRefills() {
        for (int i = 0; i < 3; i++) {
            register("203.0.113.31", "guess-" + i, 1);
        }

        assertThat(register("203.0.113.31", KEY, 1)).hasStatus(429);
        verify(verificationClient, never()).register(any());
        assertThat(register("203.0.113.32", KEY, 1)).hasStatusOk();

        clock.advance(Duration.ofSeconds(10));
        assertThat(register("203.0.113.31", KEY, 2)).hasStatusOk();
    }

    @Test
    void theRightKeySpendsNothingOfItsAddresssAllowanceForWrongOnes() {
        for (int i = 0; i < 3; i++) {
            assertThat(register("203.0.113.33", KEY, 10 + i)).hasStatusOk();
        }

        for (int i = 0; i < 3; i++) {
            assertThat(register("203.0.113.33", "wrong-key", 1)).hasStatus(401);
        }
    }

    private MvcTestResult register(String address, @Nullable String key, long telegramId) {
        var request = mvc.post()
                .uri("/register")
                .with(from(address))
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"telegram_id\": " + telegramId + ", \"phone_number\": \"+998901234567\"}");
        return (key == null ? request : request.header("X-API-Key", key)).exchange();
    }

    private double throttled() {
        return meters.counter("gateway.outcomes", "endpoint", "register", "outcome", "throttled")
                .count();
    }
}
