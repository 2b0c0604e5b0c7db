package uz.lms.registration.gateway.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.BDDMockito.willReturn;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockito.ArgumentCaptor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.kafka.requestreply.KafkaReplyTimeoutException;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import uz.lms.registration.client.VerificationClient;
import uz.lms.registration.contracts.AlreadyVerified;
import uz.lms.registration.contracts.PhoneNumberTaken;
import uz.lms.registration.contracts.VerificationOutcome;
import uz.lms.registration.contracts.VerificationReply;
import uz.lms.registration.contracts.VerifyCode;
import uz.lms.registration.gateway.fastapi.Outcomes;

// All requests come from one address, faster than a client may send: the rate limits are ThrottleTests'.
@WebMvcTest(controllers = VerificationController.class, properties = "gateway.rate-limit.enabled=false")
@Import({Outcomes.class, SimpleMeterRegistry.class})
class VerificationControllerTests {

    @Autowired
    private MockMvcTester mvc;

    @Autowired
    private MeterRegistry meters;

    @MockitoBean
    private VerificationClient verifications;

    @BeforeEach
    void verificationServiceAcceptsTheCode() {
        answer(new VerificationOutcome.Verified());
    }

    @Test
    void theRightCodeVerifiesTheUser() {
        double before = meters.counter("gateway.outcomes", "endpoint", "verify", "outcome", "verified")
                .count();

        assertThat(check("{\"telegram_id\": 123456789, \"verification_code\": \"348291\"}"))
                .hasStatusOk()
                .bodyJson()
                .isStrictlyEqualTo("{\"message\": \"User successfully verified\"}");

        ArgumentCaptor<VerifyCode> sent = ArgumentCaptor.forClass(VerifyCode.class);
        verify(verifications).verify(sent.capture());
        assertThat(sent.getValue().telegramId()).isEqualTo(123456789L);
        assertThat(sent.getValue().verificationCode()).isEqualTo("348291");
        assertThat(sent.getValue().eventId()).isNotNull();
        assertThat(meters.counter("gateway.outcomes", "endpoint", "verify", "outcome", "verified")
                        .count())
                .isEqualTo(before + 1);
    }

    @Test
    void aWrongOrExpiredCodeIsABadRequest() {
        answer(new VerificationOutcome.InvalidOrExpiredCode());

        assertThat(check("{\"telegram_id\": 123456789, \"verification_code\": \"000000\"}"))
                .hasStatus(400)
                .bodyJson()
                .isStrictlyEqualTo("{\"detail\": \"Invalid or expired code\"}");
    }

    @Test
    void verifyingAVerifiedUserAgainIsABadRequest() {
        answer(new AlreadyVerified());

        assertThat(check("{\"telegram_id\": 123456789, \"verification_code\": \"348291\"}"))
                .hasStatus(400)
                .bodyJson()
                .isStrictlyEqualTo("{\"detail\": \"User is already verified\"}");
    }

    @Test
    void aBurnedCodeIsTooManyRequests() {
        answer(new VerificationOutcome.AttemptsExhausted());

        assertThat(check("{\"telegram_id\": 123456789, \"verification_code\": \"348291\"}"))
                .hasStatus(429)
                .bodyJson()
                .isStrictlyEqualTo("{\"detail\": \"Too many failed attempts, request a new code\"}");
    }

    @Test
    void losingTheNumberToAnotherUserIsAConflict() {
        answer(new PhoneNumberTaken());

        assertThat(check("{\"telegram_id\": 123456789, \"verification_code\": \"348291\"}"))
                .hasStatus(409)
                .bodyJson()
                .isStrictlyEqualTo("{\"detail\": \"Phone number is already registered\"}");
    }

    @Test
    void noReplyInTimeIsServiceUnavailable() {
        willReturn(CompletableFuture.failedFuture(new KafkaReplyTimeoutException("Reply timed out")))
                .given(verifications)
                .verify(any());

        assertThat(check("{\"telegram_id\": 123456789, \"verification_code\": \"348291\"}"))
                .hasStatus(503)
                .hasHeader("Retry-After", "5")
                .bodyJson()
                .isStrictlyEqualTo("{\"detail\": \"Service temporarily unavailable\"}");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "12345",
                "1234567",
                "abcdef",
                "12345a",
                " 123456",
                "123456 ",
                "12 345",
                "\u0661\u0662\u0663\u0664\u0665\u0666",
                "\uff11\uff12\uff13\uff14\uff15\uff16",
                "+12345",
                "-12345"
            })
    void aCodeThatIsNotExactlySixAsciiDigitsIsRejectedWithoutEchoingIt(String code) {
        MvcTestResult result = check("{\"telegram_id\": 123456789, \"verification_code\": \"" + code + "\"}");

        assertThat(result)
                .hasStatus(422)
                .bodyJson()
                .isStrictlyEqualTo("{\"detail\": [{\"type\": \"string_pattern_mismatch\", "
                        + "\"loc\": [\"body\", \"verification_code\"], \"msg\": \"String should match pattern '^[0-9]{6}$'\", "
                        + "\"input\": \"[redacted]\", \"ctx\": {\"pattern\": \"^[0-9]{6}$\"}}]}");
        verify(verifications, never()).verify(any());
    }

    @ParameterizedTest
    @ValueSource(strings = {"348291", "null", "true", "348291.0", "[\"348291\"]", "{\"code\": \"348291\"}"})
    void aCodeThatIsNotAJsonStringIsRejectedWithoutEchoingIt(String code) {
        MvcTestResult result = check("{\"telegram_id\": 123456789, \"verification_code\": " + code + "}");

        assertThat(result)
                .hasStatus(422)
                .bodyJson()
                .isStrictlyEqualTo("{\"detail\": [{\"type\": \"string_type\", "
                        + "\"loc\": [\"body\", \"verification_code\"], \"msg\": \"Input should be a valid string\", "
                        + "\"input\": \"[redacted]\"}]}");
        assertThat(result).body().asString().doesNotContain("348291");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"123456789\"", "123456789.0", "false", "null", "0", "-7", "9223372036854775808"})
    void aTelegramIdThatIsNotAnIntegerInRangeIsRejected(String telegramId) {
        assertThat(check("{\"telegram_id\": " + telegramId + ", \"verification_code\": \"348291\"}"))
                .hasStatus(422)
                .bodyJson()
                .extractingPath("$.detail[0].loc")
                .isEqualTo(java.util.List.of("body", "telegram_id"));
        verify(verifications, never()).verify(any());
    }

    @Test
    void aMissingFieldEchoesTheBodyWithTheCodeRedacted() {
        MvcTestResult result = check("{\"verification_code\": \"348291\"}");

        assertThat(result)
                .hasStatus(422)
                .bodyJson()
                .isStrictlyEqualTo("{\"detail\": [{\"type\": \"missing\", \"loc\": [\"body\", \"telegram_id\"], "
                        + "\"msg\": \"Field required\", \"input\": {\"verification_code\": \"[redacted]\"}}]}");
    }

    @Test
    void unknownFieldsAreRejectedWithoutEchoingWhatTheyCarry() {
        MvcTestResult result = check("{\"telegram_id\": 1, \"verification_code\": \"348291\", \"code\": \"654321\"}");

        assertThat(result)
                .hasStatus(422)
                .bodyJson()
                .isStrictlyEqualTo("{\"detail\": [{\"type\": \"extra_forbidden\", \"loc\": [\"body\", \"code\"], "
                        + "\"msg\": \"Extra inputs are not permitted\", \"input\": \"[redacted]\"}]}");
        assertThat(result).body().asString().doesNotContain("654321").doesNotContain("348291");
    }

    private void answer(VerificationOutcome outcome) {
        willAnswer(invocation -> CompletableFuture.completedFuture(new VerificationReply(
                        UUID.randomUUID(),
                        Instant.now(),
                        invocation.<VerifyCode>getArgument(0).telegramId(),
                        outcome)))
                .given(verifications)
                .verify(any());
    }

    private MvcTestResult check(String json) {
        return mvc.post()
                .uri("/verify")
                .contentType(MediaType.APPLICATION_JSON)
                .content(json)
                .exchange();
    }
}
