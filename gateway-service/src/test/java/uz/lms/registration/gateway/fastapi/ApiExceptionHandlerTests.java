package uz.lms.registration.gateway.fastapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.RequestDispatcher;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import uz.lms.registration.client.VerificationClient;
import uz.lms.registration.contracts.RegistrationOutcome;
import uz.lms.registration.contracts.RegistrationReply;

/**
 * What both endpoints answer before any command is sent: unreadable bodies, unknown paths and methods; and
 * the error page the container's own errors are forwarded to.
 */
// All requests come from one address, faster than a client may send: the rate limits are ThrottleTests'.
@WebMvcTest(properties = "gateway.rate-limit.enabled=false")
@Import({Outcomes.class, SimpleMeterRegistry.class})
class ApiExceptionHandlerTests {

    @Autowired
    private MockMvcTester mvc;

    @MockitoBean
    private VerificationClient verificationClient;

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{",
                "{\"telegram_id\": 1,}",
                "not json",
                "{\"telegram_id\": 1} {}",
                "{'telegram_id': 1}",
                "{\"telegram_id\": NaN}",
                "{\"verification_code\": \"348291\" \"x\"}"
            })
    void malformedJsonIsAValidationErrorThatQuotesNothing(String body) {
        for (String path : new String[] {"/register", "/verify"}) {
            MvcTestResult result = mvc.post()
                    .uri(path)
                    .contentType(MediaType.APPLICATION_JSON)
                    .content(body)
                    .exchange();

            assertThat(result)
                    .hasStatus(422)
                    .bodyJson()
                    .extractingPath("$.detail[0].type")
                    .isEqualTo("json_invalid");
            assertThat(result).bodyJson().extractingPath("$.detail[0].loc[0]").isEqualTo("body");
            assertThat(result)
                    .bodyJson()
                    .extractingPath("$.detail[0].loc[1]")
                    .asNumber()
                    .isNotNull();
            assertThat(result).bodyJson().extractingPath("$.detail[0].msg").isEqualTo("JSON decode error");
            assertThat(result).bodyJson().extractingPath("$.detail[0].ctx").isEqualTo(Map.of("error", "Invalid JSON"));
            assertThat(result).body().asString().doesNotContain("348291");
        }
        verifyNothingSent();
    }

    @Test
    void aMissingBodyIsAMissingField() {
        assertThat(mvc.post().uri("/register").contentType(MediaType.APPLICATION_JSON))
                .hasStatus(422)
                .bodyJson()
                .isStrictlyEqualTo("{\"detail\": [{\"type\": \"missing\", \"loc\": [\"body\"], "
                        + "\"msg\": \"Field required\", \"input\": null}]}");
        assertThat(mvc.post()
                        .uri("/verify")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("null"))
                .hasStatus(422)
                .bodyJson()
                .extractingPath("$.detail[0].type")
                .isEqualTo("missing");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[{\"telegram_id\": 1}]", "\"348291\"", "348291", "true"})
    void aBodyThatIsNotAnObjectIsRejectedWithoutEchoingIt(String body) {
        assertThat(mvc.post()
                        .uri("/verify")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(body))
                .hasStatus(422)
                .bodyJson()
                .isStrictlyEqualTo("{\"detail\": [{\"type\": \"model_attributes_type\", \"loc\": [\"body\"], "
                        + "\"msg\": \"Input should be a valid dictionary or object to extract fields from\", "
                        + "\"input\": \"[redacted]\"}]}");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "text/plain",
                "application/x-www-form-urlencoded",
                "application/xml",
                "application/octet-stream",
                "*/*",
                "application/*",
                "nonsense",
                "text/json"
            })
    void aBodyThatIsNotJsonIsAValidationError(String contentType) {
        assertThat(mvc.post()
                        .uri("/verify")
                        .header("Content-Type", contentType)
                        .content("{\"telegram_id\": 1, \"verification_code\": \"348291\"}"))
                .hasStatus(422)
                .bodyJson()
                .extractingPath("$.detail[0].type")
                .isEqualTo("model_attributes_type");
        verifyNothingSent();
    }

    @Test
    void aStructuredJsonContentTypeIsJson() {
        assertThat(mvc.post()
                        .uri("/verify")
                        .header("Content-Type", "application/vnd.api+json")
                        .content("{}"))
                .hasStatus(422)
                .bodyJson()
                .extractingPath("$.detail[0].type")
                .isEqualTo("missing");
    }

    @Test
    void aBodyWithoutContentTypeIsAValidationError() {
        assertThat(mvc.post().uri("/register").content("{\"telegram_id\": 1, \"phone_number\": \"+998901234567\"}"))
                .hasStatus(422);
    }

    @Test
    void invalidUtf8IsAValidationError() {
        byte[] body = "{\"telegram_id\": 1, \"phone_number\": \"\u00ff\"}".getBytes(StandardCharsets.ISO_8859_1);

        assertThat(mvc.post()
                        .uri("/register")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(body))
                .hasStatus(422);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "text/html",
                "application/xml",
                "application/problem+json",
                "text/plain, */*;q=0",
                "nonsense",
                "*/*;q=oops"
            })
    void whateverTheClientAcceptsTheAnswerIsJson(String accept) {
        given(verificationClient.register(any()))
                .willReturn(CompletableFuture.completedFuture(new RegistrationReply(
                        UUID.randomUUID(), Instant.now(), 1, new RegistrationOutcome.CodeSent(60))));

        assertThat(mvc.post()
                        .uri("/register")
                        .contentType(MediaType.APPLICATION_JSON)
                        .header("Accept", accept)
                        .content("{\"telegram_id\": 1, \"phone_number\": \"+998901234567\"}"))
                .hasStatusOk()
                .hasContentType(MediaType.APPLICATION_JSON)
                .bodyJson()
                .isStrictlyEqualTo("{\"message\": \"Verification code sent\", \"expires_in\": 60}");
        assertThat(mvc.post()
                        .uri("/verify")
                        .contentType(MediaType.APPLICATION_JSON)
                        .header("Accept", accept)
                        .content("{\"telegram_id\": 1, \"verification_code\": \"34829\"}"))
                .hasStatus(422)
                .hasContentType(MediaType.APPLICATION_JSON)
                .bodyJson()
                .extractingPath("$.detail[0].type")
                .isEqualTo("string_pattern_mismatch");
        verify(verificationClient, never()).verify(any());
    }

    @Test
    void anUnknownPathIsNotFound() {
        assertThat(mvc.post()
                        .uri("/registration")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{}"))
                .hasStatus(404)
                .bodyJson()
                .isStrictlyEqualTo("{\"detail\": \"Not Found\"}");
    }

    @Test
    void anUnsupportedMethodIsNotAllowed() {
        assertThat(mvc.get().uri("/register"))
                .hasStatus(405)
                .hasHeader("Allow", "POST")
                .bodyJson()
                .isStrictlyEqualTo("{\"detail\": \"Method Not Allowed\"}");
        assertThat(mvc.delete().uri("/verify")).hasStatus(405);
    }

    @Test
    void aDirectRequestToTheErrorPageIsNotFound() {
        assertThat(mvc.get().uri("/error"))
                .hasStatus(404)
                .hasContentType(MediaType.APPLICATION_JSON)
                .bodyJson()
                .isStrictlyEqualTo("{\"detail\": \"Not Found\"}");
        assertThat(mvc.post()
                        .uri("/error")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{}"))
                .hasStatus(404)
                .bodyJson()
                .isStrictlyEqualTo("{\"detail\": \"Not Found\"}");
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 405, 408, 414, 431})
    void aContainerErrorKeepsItsStatusWithADetailWhateverTheClientAccepts(int status) {
        assertThat(mvc.get()
                        .uri("/error")
                        .requestAttr(RequestDispatcher.ERROR_STATUS_CODE, status)
                        .accept(MediaType.TEXT_HTML))
                .hasStatus(status)
                .hasContentType(MediaType.APPLICATION_JSON)
                .bodyJson()
                .extractingPath("$.detail")
                .isEqualTo(HttpStatus.valueOf(status).getReasonPhrase());
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 501, 502, 503, 505, 999})
    void aContainerFailureIsUnavailable(int status) {
        assertThat(mvc.post()
                        .uri("/error")
                        .requestAttr(RequestDispatcher.ERROR_STATUS_CODE, status)
                        .requestAttr(RequestDispatcher.ERROR_EXCEPTION, new IllegalStateException("boom")))
                .hasStatus(503)
                .hasHeader("Retry-After", "5")
                .hasContentType(MediaType.APPLICATION_JSON)
                .bodyJson()
                .isStrictlyEqualTo("{\"detail\": \"Service temporarily unavailable\"}");
    }

    private void verifyNothingSent() {
        verify(verificationClient, never()).register(any());
        verify(verificationClient, never()).verify(any());
    }
}
