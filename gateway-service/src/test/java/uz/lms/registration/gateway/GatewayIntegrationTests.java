package uz.lms.registration.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import uz.lms.registration.contracts.AlreadyVerified;
import uz.lms.registration.contracts.PhoneNumberTaken;
import uz.lms.registration.contracts.RegistrationOutcome;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.contracts.VerificationOutcome;
import uz.lms.registration.gateway.RunningGateway.Response;
import uz.lms.registration.testsupport.TopicRecorder;

/**
 * What the gateway makes of each outcome verification-service answers: its status and body, and the command each
 * request sends; also that each of two instances gets the replies to its own requests.
 */
class GatewayIntegrationTests extends FakeVerifierGatewayTest {

    // POST /register, one test per outcome

    @Test
    void aCodeSentIsOkAndTheCommandCarriesTheNormalizedNumberInUzbekOnTheGatewaysTopic() {
        long user = newTelegramId();
        verifier.answerRegistrations(user, new RegistrationOutcome.CodeSent(60));

        Response response = gateway.register(user, "998 90 123-45-67");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().toString()).isEqualTo(CODE_SENT);
        assertThat(verifier.registrations(user)).singleElement().satisfies(command -> {
            assertThat(command.phoneNumber()).isEqualTo(PHONE);
            assertThat(command.language()).isEqualTo("uz");
            assertThat(command.vouched()).isFalse();
        });
        assertThat(verifier.topicsOf(user)).containsExactly(Topics.REGISTRATION_REQUESTS);
    }

    @Test
    void theCommandContinuesTheTraceOfTheCallersTraceparent() {
        long user = newTelegramId();
        String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        String callersSpan = "00f067aa0ba902b7";

        try (TopicRecorder commands = TopicRecorder.start(Topics.REGISTRATION_REQUESTS)) {
            Response response = gateway.send(gateway.request("/register")
                    .header("Content-Type", "application/json")
                    .header("X-API-Key", RunningGateway.API_KEY)
                    .header("traceparent", "00-" + trace + "-" + callersSpan + "-01")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"telegram_id\": " + user + ", \"phone_number\": \"" + PHONE + "\"}")));

            assertThat(response.status()).isEqualTo(200);
            // The gateway's own spans come between: the request's, and the send's, which the header names.
            await().untilAsserted(() -> assertThat(commands.records())
                    .filteredOn(record -> record.key().equals(Topics.key(user)))
                    .singleElement()
                    .extracting(record -> new String(
                            record.headers().lastHeader("traceparent").value(), StandardCharsets.US_ASCII))
                    .asString()
                    .matches("00-" + trace + "-[0-9a-f]{16}-01")
                    .doesNotContain(callersSpan));
        }
    }

    @Test
    void aNumberTelegramDidNotAttestForTheUserIsAConflictAndItsOwnerCanStillRegister() {
        long stranger = newTelegramId();
        long owner = newTelegramId();
        // What verification-service answers a number another account shared with the bot, and its owner.
        verifier.answerRegistrations(stranger, new RegistrationOutcome.ShareNumberFirst());
        verifier.answerRegistrations(owner, new RegistrationOutcome.CodeSent(60));

        Response foreign = gateway.register(stranger, PHONE);
        Response own = gateway.register(owner, PHONE);

        assertThat(foreign.status()).isEqualTo(409);
        assertThat(foreign.json().toString()).isEqualTo("{\"detail\":\"Share this phone number with the bot first\"}");
        assertThat(own.status()).isEqualTo(200);
        assertThat(own.json().toString()).isEqualTo(CODE_SENT);
        // The gateway vouches for neither, and sends both on its own topic: the caller, not Telegram, named the number.
        for (long user : List.of(stranger, owner)) {
            assertThat(verifier.registrations(user)).singleElement().satisfies(command -> {
                assertThat(command.phoneNumber()).isEqualTo(PHONE);
                assertThat(command.vouched()).isFalse();
            });
            assertThat(verifier.topicsOf(user)).containsExactly(Topics.REGISTRATION_REQUESTS);
        }
    }

    @Test
    void theCodesLifetimeIsTheOneVerificationServiceGives() {
        long user = newTelegramId();
        verifier.answerRegistrations(user, new RegistrationOutcome.CodeSent(90));

        Response response = gateway.register(user, PHONE);

        assertThat(response.json().toString()).isEqualTo("{\"message\":\"Verification code sent\",\"expires_in\":90}");
    }

    @Test
    void registeringAVerifiedUserIsAConflict() {
        long user = newTelegramId();
        verifier.answerRegistrations(user, new AlreadyVerified());

        Response response = gateway.register(user, PHONE);

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.json().toString()).isEqualTo("{\"detail\":\"User is already verified\"}");
    }

    @Test
    void registeringANumberAnotherVerifiedUserOwnsIsAConflict() {
        long user = newTelegramId();
        verifier.answerRegistrations(user, new PhoneNumberTaken());

        Response response = gateway.register(user, PHONE);

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.json().toString()).isEqualTo("{\"detail\":\"Phone number is already registered\"}");
    }

    @Test
    void tooManyRequestsSaysWhenToRetry() {
        long user = newTelegramId();
        verifier.answerRegistrations(user, new RegistrationOutcome.TooManyRequests(20));

        Response response = gateway.register(user, PHONE);

        assertThat(response.status()).isEqualTo(429);
        assertThat(response.retryAfter()).contains("20");
        assertThat(response.json().toString()).isEqualTo("{\"detail\":\"Too many requests, try again in 20 seconds\"}");
    }

    // POST /verify, one test per outcome

    @Test
    void theRightCodeVerifiesAndTheCommandCarriesItOnTheGatewaysTopic() {
        long user = newTelegramId();
        verifier.answerVerifications(user, new VerificationOutcome.Verified());

        Response response = gateway.verify(user, "348291");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().toString()).isEqualTo("{\"message\":\"User successfully verified\"}");
        assertThat(verifier.verifications(user))
                .singleElement()
                .satisfies(command -> assertThat(command.verificationCode()).isEqualTo("348291"));
        assertThat(verifier.topicsOf(user)).containsExactly(Topics.VERIFICATION_REQUESTS);
    }

    @Test
    void aWrongExpiredOrUnknownCodeIsInvalid() {
        long user = newTelegramId();
        verifier.answerVerifications(user, new VerificationOutcome.InvalidOrExpiredCode());

        Response response = gateway.verify(user, "348291");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().toString()).isEqualTo("{\"detail\":\"Invalid or expired code\"}");
    }

    @Test
    void verifyingAVerifiedUserAgainIsRejected() {
        long user = newTelegramId();
        verifier.answerVerifications(user, new AlreadyVerified());

        Response response = gateway.verify(user, "348291");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().toString()).isEqualTo("{\"detail\":\"User is already verified\"}");
    }

    @Test
    void aBurnedCodeIsTooManyAttempts() {
        long user = newTelegramId();
        verifier.answerVerifications(user, new VerificationOutcome.AttemptsExhausted());

        Response response = gateway.verify(user, "348291");

        assertThat(response.status()).isEqualTo(429);
        assertThat(response.json().toString())
                .isEqualTo("{\"detail\":\"Too many failed attempts, request a new code\"}");
    }

    @Test
    void losingTheNumberToAnotherUserWhileACodeIsLiveIsAConflict() {
        long user = newTelegramId();
        verifier.answerVerifications(user, new PhoneNumberTaken());

        Response response = gateway.verify(user, "348291");

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.json().toString()).isEqualTo("{\"detail\":\"Phone number is already registered\"}");
    }

    @Test
    void whateverTheClientAcceptsTheAnswerIsJson() {
        long user = newTelegramId();
        verifier.answerVerifications(user, new VerificationOutcome.Verified());
        Response registered = gateway.send(gateway.request("/register")
                .header("Content-Type", "application/json")
                .header("Accept", "text/html")
                .header("X-API-Key", RunningGateway.API_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"telegram_id\": " + user + ", \"phone_number\": \"" + PHONE + "\"}")));
        Response verified = gateway.send(gateway.request("/verify")
                .header("Content-Type", "application/json")
                .header("Accept", "application/xml")
                .header("X-API-Key", RunningGateway.API_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"telegram_id\": " + user + ", \"verification_code\": \"348291\"}")));

        assertThat(registered.status()).isEqualTo(200);
        assertThat(registered.contentType()).startsWith("application/json");
        assertThat(registered.json().toString()).isEqualTo(CODE_SENT);
        assertThat(verified.status()).isEqualTo(200);
        assertThat(verified.contentType()).startsWith("application/json");
        assertThat(verified.json().toString()).isEqualTo("{\"message\":\"User successfully verified\"}");
    }

    @Test
    void twoInstancesEachGetTheirOwnReplies() throws Exception {
        try (RunningGateway second =
                RunningGateway.start("gateway.reply-timeout=10s", "gateway.rate-limit.enabled=false")) {
            // The very first request after start-up: its reply must not be lost to partition assignment.
            assertThat(second.register(newTelegramId(), PHONE).status()).isEqualTo(200);

            // Each user is told a wait of their own, so a reply handed to the wrong request would show.
            List<CompletableFuture<Response>> responses = new ArrayList<>();
            try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 1; i <= 40; i++) {
                    RunningGateway instance = i % 2 == 0 ? gateway : second;
                    long user = newTelegramId();
                    verifier.answerRegistrations(user, new RegistrationOutcome.TooManyRequests(i));
                    responses.add(CompletableFuture.supplyAsync(() -> instance.register(user, PHONE), clients));
                }
            }
            for (int i = 1; i <= 40; i++) {
                Response response = responses.get(i - 1).get();
                assertThat(response.status()).isEqualTo(429);
                assertThat(response.retryAfter()).isEqualTo(Optional.of(Integer.toString(i)));
            }
        }
    }
}
