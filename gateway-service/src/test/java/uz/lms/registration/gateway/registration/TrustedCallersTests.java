package uz.lms.registration.gateway.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.verify;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import uz.lms.registration.client.VerificationClient;
import uz.lms.registration.contracts.RegisterUser;
import uz.lms.registration.contracts.RegistrationOutcome;
import uz.lms.registration.contracts.RegistrationReply;
import uz.lms.registration.gateway.fastapi.Outcomes;

/** The operator's own front end, trusted with the numbers it sends: the specification's original flow. */
@WebMvcTest(
        controllers = RegistrationController.class,
        properties = {"gateway.trust-caller-phone-numbers=true", "gateway.api-key=front-end-key"})
@Import({Outcomes.class, SimpleMeterRegistry.class})
class TrustedCallersTests {

    @Autowired
    private MockMvcTester mvc;

    @MockitoBean
    private VerificationClient registrations;

    @Test
    void theCommandSaysTheCallerVouchesForTheNumber() {
        given(registrations.register(any()))
                .willReturn(CompletableFuture.completedFuture(new RegistrationReply(
                        UUID.randomUUID(), Instant.now(), 1, new RegistrationOutcome.CodeSent(60))));

        assertThat(mvc.post()
                        .uri("/register")
                        .header("X-API-Key", "front-end-key")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"telegram_id\": 1, \"phone_number\": \"+998901234567\"}"))
                .hasStatusOk();

        ArgumentCaptor<RegisterUser> sent = ArgumentCaptor.forClass(RegisterUser.class);
        verify(registrations).register(sent.capture());
        assertThat(sent.getValue().vouched()).isTrue();
    }
}
