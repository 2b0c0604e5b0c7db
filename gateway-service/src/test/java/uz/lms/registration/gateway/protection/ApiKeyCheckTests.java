package uz.lms.registration.gateway.protection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.RequestDispatcher;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
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

// All requests come from one address, faster than a client may send: the rate limits are ThrottleTests' and
// FailedKeysTests'. Two keys are in force, as while the first one is replaced.
@WebMvcTest(properties = {"gateway.api-key=s3cret-key, n3w-key", "gateway.rate-limit.enabled=false"})
@Import({Outcomes.class, SimpleMeterRegistry.class})
class ApiKeyCheckTests {

    private static final String REGISTER = "{\"telegram_id\": 1, \"phone_number\": \"+998901234567\"}";

    @Autowired
    private MockMvcTester mvc;

    @Autowired
    private MeterRegistry meters;

    @MockitoBean
    private VerificationClient verificationClient;

    @Test
    void aRequestWithoutTheKeyIsNotAuthenticated() {
        double unauthorizedBefore = unauthorizedRegistrations();

        assertThat(mvc.post()
                        .uri("/register")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(REGISTER))
                .hasStatus(401)
                .bodyJson()
                .isStrictlyEqualTo("{\"detail\": \"Not authenticated\"}");
        assertThat(mvc.post()
                        .uri("/verify")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"telegram_id\": 1, \"verification_code\": \"348291\"}"))
                .hasStatus(401);
        verify(verificationClient, never()).register(any());
        verify(verificationClient, never()).verify(any());
        assertThat(unauthorizedRegistrations()).isEqualTo(unauthorizedBefore + 1);
    }

    @Test
    void aWrongKeyIsNotAuthenticated() {
        for (String wrong : new String[] {
            "", "s3cret", "s3cret-key ", "S3CRET-KEY", "s3cret-key, n3w-key", "s3cret-key,n3w-key", "n3w-keys3cret-key"
        }) {
            assertThat(mvc.post()
                            .uri("/register")
                            .header("X-API-Key", wrong)
                            .contentType(MediaType.APPLICATION_JSON)
                            .content(REGISTER))
                    .hasStatus(401);
        }
    }

    @Test
    void theKeyIsCheckedBeforeTheBody() {
        assertThat(mvc.post()
                        .uri("/register")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{"))
                .hasStatus(401);
    }

    @Test
    void eachOfTheKeysLetsTheRequestThrough() {
        given(verificationClient.register(any()))
                .willReturn(CompletableFuture.completedFuture(new RegistrationReply(
                        UUID.randomUUID(), Instant.now(), 1, new RegistrationOutcome.CodeSent(60))));

        for (String key : new String[] {"s3cret-key", "n3w-key"}) {
            assertThat(mvc.post()
                            .uri("/register")
                            .header("X-API-Key", key)
                            .contentType(MediaType.APPLICATION_JSON)
                            .content(REGISTER))
                    .as(key)
                    .hasStatusOk();
        }
    }

    @Test
    void pathTricksDoNotDodgeTheKey() {
        for (String path : new String[] {
            "/register;x=1", "/regist%65r", "/register;jsessionid=1", "//register", "/./register", "/verify/../register"
        }) {
            MvcTestResult result = mvc.post()
                    .uri(java.net.URI.create(path))
                    .contentType(MediaType.APPLICATION_JSON)
                    .content(REGISTER)
                    .exchange();
            assertThat(result.getResponse().getStatus()).as(path).isIn(401, 404);
        }
        verify(verificationClient, never()).register(any());
    }

    @Test
    void pathsOtherThanTheApiNeedNoKey() {
        assertThat(mvc.get().uri("/register")).hasStatus(405);
        assertThat(mvc.post().uri("/elsewhere")).hasStatus(404);
        assertThat(mvc.get().uri("/error").requestAttr(RequestDispatcher.ERROR_STATUS_CODE, 405))
                .hasStatus(405);
    }

    private double unauthorizedRegistrations() {
        return meters.counter("gateway.outcomes", "endpoint", "register", "outcome", "unauthorized")
                .count();
    }
}
