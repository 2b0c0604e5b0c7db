package uz.lms.registration.gateway.registration;

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
import uz.lms.registration.contracts.RegisterUser;
import uz.lms.registration.contracts.RegistrationOutcome;
import uz.lms.registration.contracts.RegistrationReply;
import uz.lms.registration.gateway.fastapi.Outcomes;

// All requests come from one address, faster than a client may send: the rate limits are ThrottleTests'.
@WebMvcTest(controllers = RegistrationController.class, properties = "gateway.rate-limit.enabled=false")
@Import({Outcomes.class, SimpleMeterRegistry.class})
class RegistrationControllerTests {

    private static final long TELEGRAM_ID = 123456789L;

    @Autowired
    private MockMvcTester mvc;

    @Autowired
    private MeterRegistry meters;

    @MockitoBean
    private VerificationClient registrations;

    @BeforeEach
    void verificationServiceSendsACode() {
        answer(new RegistrationOutcome.CodeSent(60));
    }

    @Test
    void issuingACodeAnswersWithItsLifetime() {
        double before = outcomes("code_sent");

        assertThat(register("{\"telegram_id\": 123456789, \"phone_number\": \"+998901234567\"}"))
                .hasStatusOk()
                .bodyJson()
                .isStrictlyEqualTo("{\"message\": \"Verification code sent\", \"expires_in\": 60}");
        assertThat(outcomes("code_sent")).isEqualTo(before + 1);
    }

    @Test
    void theCommandCarriesTheNormalizedNumberInUzbekFromAnUntrustedCallerAndAFreshEventId() {
        register("{\"telegram_id\": 123456789, \"phone_number\": \"+998 90 123-45-67\"}");
        register("{\"telegram_id\": 123456789, \"phone_number\": \"+998 90 123-45-67\"}");

        ArgumentCaptor<RegisterUser> sent = ArgumentCaptor.forClass(RegisterUser.class);
        verify(registrations, org.mockito.Mockito.times(2)).register(sent.capture());
        assertThat(sent.getAllValues()).allSatisfy(command -> {
            assertThat(command.telegramId()).isEqualTo(TELEGRAM_ID);
            assertThat(command.phoneNumber()).isEqualTo("+998901234567");
            assertThat(command.language()).isEqualTo("uz");
            assertThat(command.vouched()).isFalse();
        });
        assertThat(sent.getAllValues().get(0).eventId())
                .isNotEqualTo(sent.getAllValues().get(1).eventId());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "+998901234567",
                "998901234567",
                "901234567",
                "+998 90 123 45 67",
                "+998-90-123-45-67",
                "90 123-45-67",
                " +998901234567 "
            })
    void phoneNumbersAreAcceptedWithOrWithoutPlusSpacesOrDashesAndNormalizedToE164(String phone) {
        assertThat(register("{\"telegram_id\": 123456789, \"phone_number\": \"" + phone + "\"}"))
                .hasStatusOk();

        ArgumentCaptor<RegisterUser> sent = ArgumentCaptor.forClass(RegisterUser.class);
        verify(registrations).register(sent.capture());
        assertThat(sent.getValue().phoneNumber()).isEqualTo("+998901234567");
    }

    @Test
    void aForeignNumberWithItsCountryCodeIsAccepted() {
        register("{\"telegram_id\": 123456789, \"phone_number\": \"+7 912 345-67-89\"}");

        ArgumentCaptor<RegisterUser> sent = ArgumentCaptor.forClass(RegisterUser.class);
        verify(registrations).register(sent.capture());
        assertThat(sent.getValue().phoneNumber()).isEqualTo("+79123456789");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "12345",
                "abc",
                "+998",
                "+99890123456789012",
                "+998 (90) 123-45-67",
                "1-800-FLOWERS",
                "+998.90.123.45.67",
                "+998901234567 ext. 5",
                "+000000000000",
                "++998901234567"
            })
    void anInvalidPhoneNumberIsRejected(String phone) {
        assertThat(register("{\"telegram_id\": 123456789, \"phone_number\": \"" + phone + "\"}"))
                .hasStatus(422)
                .bodyJson()
                .isStrictlyEqualTo("{\"detail\": [{\"type\": \"value_error\", \"loc\": [\"body\", \"phone_number\"], "
                        + "\"msg\": \"value is not a valid phone number\", \"input\": \"" + phone + "\"}]}");
        verify(registrations, never()).register(any());
    }

    @ParameterizedTest
    @ValueSource(strings = {"998901234567", "null", "true", "[\"+998901234567\"]", "{}"})
    void aPhoneNumberThatIsNotAJsonStringIsRejected(String phone) {
        assertThat(register("{\"telegram_id\": 123456789, \"phone_number\": " + phone + "}"))
                .hasStatus(422)
                .bodyJson()
                .isStrictlyEqualTo("{\"detail\": [{\"type\": \"string_type\", \"loc\": [\"body\", \"phone_number\"], "
                        + "\"msg\": \"Input should be a valid string\", \"input\": " + phone + "}]}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0", "1.5", "1e3", "\"123456789\"", "true", "null", "[1]", "{}"})
    void aTelegramIdThatIsNotAJsonIntegerIsNotCoerced(String telegramId) {
        assertThat(register("{\"telegram_id\": " + telegramId + ", \"phone_number\": \"+998901234567\"}"))
                .hasStatus(422)
                .bodyJson()
                .isStrictlyEqualTo("{\"detail\": [{\"type\": \"int_type\", \"loc\": [\"body\", \"telegram_id\"], "
                        + "\"msg\": \"Input should be a valid integer\", \"input\": " + telegramId + "}]}");
        verify(registrations, never()).register(any());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "-9223372036854775809"})
    void aTelegramIdBelowOneIsRejected(String telegramId) {
        assertThat(register("{\"telegram_id\": " + telegramId + ", \"phone_number\": \"+998901234567\"}"))
                .hasStatus(422)
                .bodyJson()
                .isStrictlyEqualTo(
                        "{\"detail\": [{\"type\": \"greater_than_equal\", \"loc\": [\"body\", \"telegram_id\"], "
                                + "\"msg\": \"Input should be greater than or equal to 1\", \"input\": " + telegramId
                                + ", \"ctx\": {\"ge\": 1}}]}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775808", "123456789012345678901234567890"})
    void aTelegramIdAboveTwoToTheSixtyThreeMinusOneIsRejected(String telegramId) {
        assertThat(register("{\"telegram_id\": " + telegramId + ", \"phone_number\": \"+998901234567\"}"))
                .hasStatus(422)
                .bodyJson()
                .isStrictlyEqualTo(
                        "{\"detail\": [{\"type\": \"less_than_equal\", \"loc\": [\"body\", \"telegram_id\"], "
                                + "\"msg\": \"Input should be less than or equal to 9223372036854775807\", \"input\": "
                                + telegramId
                                + ", \"ctx\": {\"le\": 9223372036854775807}}]}");
    }

    @Test
    void theLargestTelegramIdIsAccepted() {
        assertThat(register("{\"telegram_id\": 9223372036854775807, \"phone_number\": \"+998901234567\"}"))
                .hasStatusOk();
        verify(registrations)
                .register(org.mockito.ArgumentMatchers.argThat(command -> command.telegramId() == Long.MAX_VALUE));
    }

    @Test
    void everyMissingFieldIsReportedWithTheBodyAsInput() {
        assertThat(register("{}"))
                .hasStatus(422)
                .bodyJson()
                .isStrictlyEqualTo(
                        "{\"detail\": ["
                                + "{\"type\": \"missing\", \"loc\": [\"body\", \"telegram_id\"], \"msg\": \"Field required\", \"input\": {}},"
                                + "{\"type\": \"missing\", \"loc\": [\"body\", \"phone_number\"], \"msg\": \"Field required\", \"input\": {}}]}");
    }

    @Test
    void unknownFieldsAreRejectedWithoutEchoingTheirValues() {
        assertThat(register("{\"telegram_id\": 1, \"phone_number\": \"+998901234567\", \"code\": \"348291\"}"))
                .hasStatus(422)
                .bodyJson()
                .isStrictlyEqualTo("{\"detail\": [{\"type\": \"extra_forbidden\", \"loc\": [\"body\", \"code\"], "
                        + "\"msg\": \"Extra inputs are not permitted\", \"input\": \"[redacted]\"}]}");
    }

    @Test
    void allProblemsAreReportedAtOnceInFieldOrder() {
        assertThat(register("{\"junk\": 1, \"phone_number\": \"no\", \"telegram_id\": -3}"))
                .hasStatus(422)
                .bodyJson()
                .extractingPath("$.detail[*].type")
                .isEqualTo(java.util.List.of("greater_than_equal", "value_error", "extra_forbidden"));
    }

    @Test
    void aNumberTelegramDidNotAttestForThisUserIsAConflict() {
        answer(new RegistrationOutcome.ShareNumberFirst());

        assertThat(register("{\"telegram_id\": 123456789, \"phone_number\": \"+998901234567\"}"))
                .hasStatus(409)
                .bodyJson()
                .isStrictlyEqualTo("{\"detail\": \"Share this phone number with the bot first\"}");
    }

    @Test
    void alreadyVerifiedIsAConflict() {
        answer(new AlreadyVerified());

        assertThat(register("{\"telegram_id\": 123456789, \"phone_number\": \"+998901234567\"}"))
                .hasStatus(409)
                .bodyJson()
                .isStrictlyEqualTo("{\"detail\": \"User is already verified\"}");
    }

    @Test
    void aNumberOwnedByAnotherVerifiedUserIsAConflict() {
        answer(new PhoneNumberTaken());

        assertThat(register("{\"telegram_id\": 123456789, \"phone_number\": \"+998901234567\"}"))
                .hasStatus(409)
                .bodyJson()
                .isStrictlyEqualTo("{\"detail\": \"Phone number is already registered\"}");
    }

    @Test
    void tooManyRequestsSaysWhenToRetryInTheBodyAndTheHeader() {
        answer(new RegistrationOutcome.TooManyRequests(27));

        MvcTestResult result = register("{\"telegram_id\": 123456789, \"phone_number\": \"+998901234567\"}");

        assertThat(result)
                .hasStatus(429)
                .hasHeader("Retry-After", "27")
                .bodyJson()
                .isStrictlyEqualTo("{\"detail\": \"Too many requests, try again in 27 seconds\"}");
    }

    @Test
    void noReplyInTimeIsServiceUnavailable() {
        double before = outcomes("unavailable");
        willReturn(CompletableFuture.failedFuture(new KafkaReplyTimeoutException("Reply timed out")))
                .given(registrations)
                .register(any());

        assertThat(register("{\"telegram_id\": 123456789, \"phone_number\": \"+998901234567\"}"))
                .hasStatus(503)
                .hasHeader("Retry-After", "5")
                .bodyJson()
                .isStrictlyEqualTo("{\"detail\": \"Service temporarily unavailable\"}");
        assertThat(outcomes("unavailable")).isEqualTo(before + 1);
    }

    private double outcomes(String outcome) {
        return meters.counter("gateway.outcomes", "endpoint", "register", "outcome", outcome)
                .count();
    }

    private void answer(RegistrationOutcome outcome) {
        willAnswer(invocation -> CompletableFuture.completedFuture(new RegistrationReply(
                        UUID.randomUUID(),
                        Instant.now(),
                        invocation.<RegisterUser>getArgument(0).telegramId(),
                        outcome)))
                .given(registrations)
                .register(any());
    }

    private MvcTestResult register(String json) {
        return mvc.post()
                .uri("/register")
                .contentType(MediaType.APPLICATION_JSON)
                .content(json)
                .exchange();
    }
}
