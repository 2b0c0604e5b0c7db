package uz.lms.registration.gateway.protection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import uz.lms.registration.client.VerificationClient;
import uz.lms.registration.contracts.RegistrationOutcome;
import uz.lms.registration.contracts.RegistrationReply;
import uz.lms.registration.contracts.VerificationOutcome;
import uz.lms.registration.contracts.VerificationReply;
import uz.lms.registration.gateway.fastapi.Outcomes;
import uz.lms.registration.testsupport.MutableClock;

/**
 * {@code gateway.rate-limit}: each client may send a burst of 3, then 1 a second; all together a burst of 5, then
 * 2 a second. The proxies of 10.0.0.0/8 say in {@code X-Forwarded-For} whom they forward. Time moves by hand. The
 * API is open: the limit per account, which applies behind an API key only, would allow one request.
 */
@WebMvcTest(
        properties = {
            "gateway.rate-limit.per-client.burst=3",
            "gateway.rate-limit.per-client.per-second=1",
            "gateway.rate-limit.per-account.burst=1",
            "gateway.rate-limit.total.burst=5",
            "gateway.rate-limit.total.per-second=2",
            "gateway.rate-limit.trusted-proxies=10.0.0.0/8"
        })
@Import({Outcomes.class, SimpleMeterRegistry.class, ThrottleTests.Time.class})
class ThrottleTests {

    private static final String REGISTER = "{\"telegram_id\": 1, \"phone_number\": \"+998901234567\"}";

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
        given(verificationClient.verify(any()))
                .willReturn(CompletableFuture.completedFuture(new VerificationReply(
                        UUID.randomUUID(), Instant.now(), 1, new VerificationOutcome.Verified())));
    }

    @Test
    void aFloodFromOneClientIsThrottledWhileAnotherClientIsStillServed() {
        double throttledBefore = meters.counter("gateway.outcomes", "endpoint", "register", "outcome", "throttled")
                .count();
        for (int i = 0; i < 3; i++) {
            assertThat(register("203.0.113.1")).hasStatusOk();
        }

        assertThat(register("203.0.113.1"))
                .hasStatus(429)
                .hasHeader("Retry-After", "1")
                .hasContentType(MediaType.APPLICATION_JSON)
                .bodyJson()
                .isStrictlyEqualTo("{\"detail\": \"Too many requests, try again in 1 seconds\"}");
        assertThat(register("203.0.113.2")).hasStatusOk();
        verify(verificationClient, times(4)).register(any());
        assertThat(meters.counter("gateway.outcomes", "endpoint", "register", "outcome", "throttled")
                        .count())
                .isEqualTo(throttledBefore + 1);
    }

    @Test
    void bothEndpointsDrawOnTheSameTokens() {
        for (int i = 0; i < 3; i++) {
            register("203.0.113.3");
        }

        assertThat(mvc.post()
                        .uri("/verify")
                        .with(from("203.0.113.3"))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"telegram_id\": 1, \"verification_code\": \"348291\"}"))
                .hasStatus(429);
        verify(verificationClient, never()).verify(any());
    }

    @Test
    void aThrottledClientIsServedAgainOnceItsBucketRefills() {
        for (int i = 0; i < 3; i++) {
            register("203.0.113.4");
        }
        assertThat(register("203.0.113.4")).hasStatus(429);

        clock.advance(Duration.ofSeconds(1));

        assertThat(register("203.0.113.4")).hasStatusOk();
        assertThat(register("203.0.113.4")).hasStatus(429);
    }

    @Test
    void allClientsTogetherAreLimitedToo() {
        for (String client : new String[] {"203.0.113.5", "203.0.113.5", "203.0.113.5", "203.0.113.6", "203.0.113.6"}) {
            assertThat(register(client)).hasStatusOk();
        }

        assertThat(register("203.0.113.7")).hasStatus(429).hasHeader("Retry-After", "1");

        clock.advance(Duration.ofMillis(500));
        assertThat(register("203.0.113.7")).hasStatusOk();
    }

    @Test
    void theLimitComesBeforeTheBodyIsRead() {
        for (int i = 0; i < 3; i++) {
            register("203.0.113.8");
        }

        assertThat(mvc.post()
                        .uri("/register")
                        .with(from("203.0.113.8"))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{"))
                .hasStatus(429);
    }

    @Test
    void aClientCannotPassForAnotherByWritingXForwardedFor() {
        for (int i = 0; i < 3; i++) {
            assertThat(register("198.51.100.1", "203.0.113." + (100 + i))).hasStatusOk();
        }

        assertThat(register("198.51.100.1", "203.0.113.200")).hasStatus(429);
    }

    @Test
    void behindATrustedProxyTheClientIsTheAddressItForwards() {
        for (int i = 0; i < 3; i++) {
            assertThat(register("10.0.0.2", "203.0.113.9")).hasStatusOk();
        }

        assertThat(register("10.0.0.2", "203.0.113.9")).hasStatus(429);
        assertThat(register("10.0.0.2", "203.0.113.10")).hasStatusOk();
    }

    @Test
    void withoutAnApiKeyNobodyCanUseUpAnAccountsRequests() {
        // Anyone may name any telegram_id: a limit per account would let them lock its owner out.
        assertThat(register("203.0.113.12")).hasStatusOk();
        assertThat(register("203.0.113.12")).hasStatusOk();

        assertThat(register("203.0.113.13")).hasStatusOk();
    }

    @Test
    void requestsForNoApiEndpointAreNotLimited() {
        // The throttle counts only what Spring MVC maps to an ApiEndpoint: a path that is not there takes no token, nor
        // do /docs and the actuator, which this slice does not serve (GatewayLoadTests calls them on a whole gateway).
        for (int i = 0; i < 5; i++) {
            assertThat(mvc.post().uri("/elsewhere").with(from("203.0.113.11"))).hasStatus(404);
        }

        assertThat(register("203.0.113.11")).hasStatusOk();
    }

    private MvcTestResult register(String address) {
        return mvc.post()
                .uri("/register")
                .with(from(address))
                .contentType(MediaType.APPLICATION_JSON)
                .content(REGISTER)
                .exchange();
    }

    private MvcTestResult register(String proxy, String forwardedFor) {
        return mvc.post()
                .uri("/register")
                .with(from(proxy))
                .header("X-Forwarded-For", forwardedFor)
                .contentType(MediaType.APPLICATION_JSON)
                .content(REGISTER)
                .exchange();
    }

    static RequestPostProcessor from(String address) {
        return request -> {
            request.setRemoteAddr(address);
            return request;
        };
    }

    /** The service's clock, moved by hand. */
    @TestConfiguration(proxyBeanMethods = false)
    static class Time {

        @Bean
        @Primary
        MutableClock testClock() {
            return new MutableClock();
        }
    }
}
