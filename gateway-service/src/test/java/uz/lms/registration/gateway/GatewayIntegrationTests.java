package uz.lms.registration.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import uz.lms.registration.contracts.AlreadyVerified;
import uz.lms.registration.contracts.PhoneNumberTaken;
import uz.lms.registration.contracts.RegisterUser;
import uz.lms.registration.contracts.RegistrationOutcome;
import uz.lms.registration.contracts.VerificationOutcome;
import uz.lms.registration.gateway.RunningGateway.Response;
import uz.lms.registration.testsupport.FakeVerifier;

/**
 * The gateway's side of the HTTP contract, driven over HTTP against the gateway on the embedded broker, with
 * verification-service played by a {@link FakeVerifier}: every outcome it answers comes out as its status and
 * body, and every request sends the command it should. The rules behind the outcomes (cooldowns, expiry,
 * attempts) are verification-service's, and tested there.
 */
class GatewayIntegrationTests {

    private static final String CODE_SENT = "{\"message\":\"Verification code sent\",\"expires_in\":60}";
    private static final String PHONE = "+998901234567";

    private static FakeVerifier verifier;
    private static RunningGateway gateway;

    @BeforeAll
    static void start() {
        verifier = FakeVerifier.start();
        // Bursts of hundreds of requests come from one address here; the rate limits are GatewayLoadTests'.
        gateway = RunningGateway.start("gateway.reply-timeout=10s", "gateway.rate-limit.enabled=false");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        verifier.close();
    }

    // POST /register, one test per outcome

    @Test
    void aCodeSentIsOkAndTheCommandCarriesTheNormalizedNumberInUzbek() {
        long user = newTelegramId();
        verifier.answerRegistrations(user, new RegistrationOutcome.CodeSent(60));

        Response response = gateway.register(user, "998 90 123-45-67");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().toString()).isEqualTo(CODE_SENT);
        assertThat(verifier.registrations(user)).singleElement().satisfies(command -> {
            assertThat(command.phoneNumber()).isEqualTo(PHONE);
            assertThat(command.language()).isEqualTo("uz");
            assertThat(command.source()).isEqualTo(RegisterUser.Source.CALLER);
        });
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
        assertThat(verifier.codesIssued(stranger)).isEmpty();
        assertThat(own.status()).isEqualTo(200);
        assertThat(own.json().toString()).isEqualTo(CODE_SENT);
        assertThat(verifier.codesIssued(owner)).hasSize(1);
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
    void theRightCodeVerifiesAndTheCommandCarriesIt() {
        long user = newTelegramId();
        verifier.answerVerifications(user, new VerificationOutcome.Verified());

        Response response = gateway.verify(user, "348291");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().toString()).isEqualTo("{\"message\":\"User successfully verified\"}");
        assertThat(verifier.verifications(user))
                .singleElement()
                .satisfies(command -> assertThat(command.verificationCode()).isEqualTo("348291"));
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

    // On both endpoints

    @Test
    void withoutTheApiKeyNothingIsSent() {
        long user = newTelegramId();
        for (String path : List.of("/register", "/verify")) {
            for (String key : List.of("", "wrong-key")) {
                HttpRequest.Builder request = gateway.request(path)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"telegram_id\": " + user + ", \"phone_number\": \"+998901234567\"}"));
                if (!key.isEmpty()) {
                    request.header("X-API-Key", key);
                }

                Response response = gateway.send(request);

                assertThat(response.status()).isEqualTo(401);
                assertThat(response.json().toString()).isEqualTo("{\"detail\":\"Not authenticated\"}");
            }
        }
        for (String path : List.of("/register;x=1", "/regist%65r", "//register", "/verify/../register")) {
            Response response = gateway.send(gateway.request(path)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"telegram_id\": " + user + ", \"phone_number\": \"+998901234567\"}")));
            assertThat(response.status()).as(path).isIn(400, 401, 404);
        }
        assertThat(verifier.registrations(user)).isEmpty();
        assertThat(verifier.verifications(user)).isEmpty();
    }

    @Test
    void invalidBodiesAreValidationErrorsInFastApisShape() {
        record Case(String path, String contentType, String body, String type) {}
        for (Case bad : List.of(
                new Case("/register", "application/json", "{\"telegram_id\": 1,", "json_invalid"),
                new Case(
                        "/register",
                        "text/plain",
                        "{\"telegram_id\": 1, \"phone_number\": \"+998901234567\"}",
                        "model_attributes_type"),
                new Case("/register", "application/json", "{\"phone_number\": \"+998901234567\"}", "missing"),
                new Case(
                        "/register",
                        "application/json",
                        "{\"telegram_id\": 1.5, \"phone_number\": \"+998901234567\"}",
                        "int_type"),
                new Case(
                        "/register",
                        "application/json",
                        "{\"telegram_id\": \"1\", \"phone_number\": \"+998901234567\"}",
                        "int_type"),
                new Case(
                        "/register",
                        "application/json",
                        "{\"telegram_id\": 0, \"phone_number\": \"+998901234567\"}",
                        "greater_than_equal"),
                new Case(
                        "/register",
                        "application/json",
                        "{\"telegram_id\": 9223372036854775808, \"phone_number\": \"+998901234567\"}",
                        "less_than_equal"),
                new Case(
                        "/register",
                        "application/json",
                        "{\"telegram_id\": 1, \"phone_number\": \"12345\"}",
                        "value_error"),
                new Case(
                        "/register",
                        "application/json",
                        "{\"telegram_id\": 1, \"phone_number\": \"+998901234567\", \"x\": 1}",
                        "extra_forbidden"),
                new Case(
                        "/verify",
                        "application/json",
                        "{\"telegram_id\": 1, \"verification_code\": \"12345\"}",
                        "string_pattern_mismatch"),
                new Case(
                        "/verify",
                        "application/json",
                        "{\"telegram_id\": 1, \"verification_code\": 123456}",
                        "string_type"))) {
            Response response = gateway.send(gateway.request(bad.path())
                    .header("Content-Type", bad.contentType())
                    .header("X-API-Key", RunningGateway.API_KEY)
                    .POST(HttpRequest.BodyPublishers.ofString(bad.body())));

            assertThat(response.status()).as(bad.body()).isEqualTo(422);
            assertThat(response.json().get("detail").get(0).get("type").asString())
                    .as(bad.body())
                    .isEqualTo(bad.type());
            assertThat(response.json().get("detail").get(0).get("loc").get(0).asString())
                    .isEqualTo("body");
        }
    }

    @Test
    void unknownPathsAndMethodsAnswerWithADetail() {
        Response notFound = gateway.post("/users", "{}");
        Response notAllowed = gateway.get("/verify");

        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.json().toString()).isEqualTo("{\"detail\":\"Not Found\"}");
        assertThat(notAllowed.status()).isEqualTo(405);
        assertThat(notAllowed.json().toString()).isEqualTo("{\"detail\":\"Method Not Allowed\"}");
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
    void theContainersOwnErrorsAnswerWithADetail() {
        Response directGet = gateway.get("/error");
        Response directPost = gateway.post("/error", "{}");
        Response trace =
                gateway.send(gateway.request("/register").method("TRACE", HttpRequest.BodyPublishers.noBody()));

        for (Response direct : List.of(directGet, directPost)) {
            assertThat(direct.status()).isEqualTo(404);
            assertThat(direct.json().toString()).isEqualTo("{\"detail\":\"Not Found\"}");
        }
        assertThat(trace.status()).isEqualTo(405);
        assertThat(trace.contentType()).startsWith("application/json");
        assertThat(trace.json().toString()).isEqualTo("{\"detail\":\"Method Not Allowed\"}");
    }

    @Test
    void aBrokenBodyIsABadRequestWithADetail() {
        long user = newTelegramId();
        String head = "POST /register HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" + "X-API-Key: "
                + RunningGateway.API_KEY + "\r\n";
        String body = "{\"telegram_id\": " + user + ", \"phone_number\": \"+998901234567\"}";
        String shorterThanDeclared = gateway.raw(head + "Content-Length: " + (body.length() + 10) + "\r\n\r\n" + body);
        String malformedChunks =
                gateway.raw(head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + body + "\r\n0\r\n\r\n");

        for (String response : List.of(shorterThanDeclared, malformedChunks)) {
            assertThat(response)
                    .startsWith("HTTP/1.1 400 ")
                    .containsIgnoringCase("\r\nContent-Type: application/json")
                    .contains("{\"detail\":\"Bad Request\"}");
        }
        assertThat(verifier.registrations(user)).isEmpty();
    }

    @Test
    void requestsTomcatRefusesBeforeAnyServletGetADetailAndNever5xx() {
        List<String> refused = List.of(
                gateway.raw("GET /register HTTP/2.0\r\nHost: localhost\r\n\r\n"),
                gateway.raw("GET /a%2fb HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"),
                gateway.raw("GET /register HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n"));

        for (String response : refused) {
            assertThat(response)
                    .startsWith("HTTP/1.1 400 ")
                    .containsIgnoringCase("\r\nContent-Type: application/json")
                    .endsWith("{\"detail\":\"Bad Request\"}");
        }
    }

    @Test
    void aBurstOfHostileBodiesNeverGetsA5xx() throws Exception {
        List<CompletableFuture<Response>> responses = new ArrayList<>();
        List<CompletableFuture<Response>> anyAccept = new ArrayList<>();
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String body : HostileBodies.generate(new Random(20261125))) {
                for (String path : List.of("/register", "/verify")) {
                    responses.add(CompletableFuture.supplyAsync(() -> gateway.post(path, body), clients));
                }
            }
            for (String contentType : List.of(
                    "text/plain",
                    "application/xml",
                    "multipart/form-data; boundary=x",
                    "application/json; charset=utf-16",
                    "application/x-www-form-urlencoded",
                    "*/*",
                    "nonsense")) {
                responses.add(CompletableFuture.supplyAsync(
                        () -> gateway.send(gateway.request("/verify")
                                .header("Content-Type", contentType)
                                .header("X-API-Key", RunningGateway.API_KEY)
                                .POST(HttpRequest.BodyPublishers.ofString("telegram_id=1&verification_code=348291"))),
                        clients));
            }
            for (String accept : List.of(
                    "text/html",
                    "application/xml",
                    "application/problem+json",
                    "text/plain",
                    "nonsense",
                    "*/*;q=oops")) {
                anyAccept.add(CompletableFuture.supplyAsync(
                        () -> gateway.send(gateway.request("/verify")
                                .header("Content-Type", "application/json")
                                .header("Accept", accept)
                                .header("X-API-Key", RunningGateway.API_KEY)
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"telegram_id\": 1, \"verification_code\": \"1\"}"))),
                        clients));
            }
            for (String method : List.of("PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE")) {
                responses.add(CompletableFuture.supplyAsync(
                        () -> gateway.send(
                                gateway.request("/register").method(method, HttpRequest.BodyPublishers.noBody())),
                        clients));
            }
        }

        assertThat(responses).hasSizeGreaterThan(300).allSatisfy(future -> {
            Response response = future.get();
            assertThat(response.status()).as(response.body()).isLessThan(500);
        });
        // FastAPI ignores Accept: whatever the client accepts, the answer is JSON.
        assertThat(anyAccept).allSatisfy(future -> {
            Response response = future.get();
            assertThat(response.status()).as(response.body()).isEqualTo(422);
            assertThat(response.contentType()).startsWith("application/json");
            assertThat(response.json().get("detail").get(0).get("type").asString())
                    .isEqualTo("string_pattern_mismatch");
        });
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

    private static long newTelegramId() {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }
}
