package uz.lms.registration.gateway;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import uz.lms.registration.contracts.DeliverCode;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.gateway.RunningGateway.Response;
import uz.lms.registration.testsupport.MutableClock;
import uz.lms.registration.testsupport.TopicRecorder;
import uz.lms.registration.verification.RunningVerificationService;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole HTTP contract, driven over HTTP against the gateway and the real verification-service on
 * the embedded broker and PostgreSQL. Codes are read where telegram-service reads them, on
 * {@code verification.codes}; verification-service runs on a clock the tests move, and with
 * {@code verification.max-attempts=2}.
 */
class GatewayIntegrationTests {

    private static final String CODE_SENT = "{\"message\":\"Verification code sent\",\"expires_in\":60}";

    private static final MutableClock clock = new MutableClock();
    private static ConfigurableApplicationContext verificationService;
    private static RunningGateway gateway;
    private static TopicRecorder codes;

    @BeforeAll
    static void start() {
        verificationService = RunningVerificationService.start(clock, "verification.max-attempts=2",
                RunningVerificationService.FAST_SWEEP);
        gateway = RunningGateway.start("gateway.reply-timeout=10s");
        codes = TopicRecorder.start(Topics.VERIFICATION_CODES);
    }

    @AfterAll
    static void stop() {
        codes.close();
        gateway.close();
        verificationService.close();
    }

    // The specification's four cases

    @Test
    void registeringWithARealNumberSendsTheCodeThroughTelegramOnly() {
        long user = newTelegramId();

        Response response = gateway.register(user, newPhoneNumber());

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().toString()).isEqualTo(CODE_SENT);
        assertThat(deliveredCode(user, 1)).matches("[0-9]{6}");
        assertThat(response.body()).doesNotContain(deliveredCode(user, 1));
    }

    @Test
    void theDeliveredCodeVerifiesTheUserWithinAMinute() {
        long user = newTelegramId();
        gateway.register(user, newPhoneNumber());
        clock.advance(Duration.ofSeconds(59));

        Response response = gateway.verify(user, deliveredCode(user, 1));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().toString()).isEqualTo("{\"message\":\"User successfully verified\"}");
    }

    @Test
    void aWrongCodeIsInvalid() {
        long user = newTelegramId();
        gateway.register(user, newPhoneNumber());

        Response response = gateway.verify(user, otherThan(deliveredCode(user, 1)));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.detail()).isEqualTo("Invalid or expired code");
    }

    @Test
    void aCodeOlderThanAMinuteIsExpired() {
        long user = newTelegramId();
        gateway.register(user, newPhoneNumber());
        String code = deliveredCode(user, 1);
        clock.advance(Duration.ofSeconds(61));

        Response response = gateway.verify(user, code);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.detail()).isEqualTo("Invalid or expired code");
    }

    @Test
    void verifyingAVerifiedUserAgainIsRejected() {
        long user = newVerifiedUser(newPhoneNumber());

        Response response = gateway.verify(user, deliveredCode(user, 1));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.detail()).isEqualTo("User is already verified");
    }

    // The rest of POST /register

    @Test
    void registeringAVerifiedUserIsAConflict() {
        String phone = newPhoneNumber();
        long user = newVerifiedUser(phone);

        Response response = gateway.register(user, phone);

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.json().toString()).isEqualTo("{\"detail\":\"User is already verified\"}");
    }

    @Test
    void registeringANumberAnotherVerifiedUserOwnsIsAConflict() {
        String phone = newPhoneNumber();
        newVerifiedUser(phone);

        Response response = gateway.register(newTelegramId(), phone);

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.json().toString()).isEqualTo("{\"detail\":\"Phone number is already registered\"}");
    }

    @Test
    void registeringAgainWithinTheCooldownSaysWhenToRetry() {
        long user = newTelegramId();
        String phone = newPhoneNumber();
        gateway.register(user, phone);
        clock.advance(Duration.ofSeconds(10));

        Response response = gateway.register(user, phone);

        assertThat(response.status()).isEqualTo(429);
        assertThat(response.retryAfter()).contains("20");
        assertThat(response.json().toString()).isEqualTo("{\"detail\":\"Too many requests, try again in 20 seconds\"}");
    }

    @Test
    void theNumberIsNormalizedBeforeItIsCompared() {
        String phone = newPhoneNumber();
        newVerifiedUser(phone);
        String spelledDifferently = phone.substring(1, 4) + " " + phone.substring(4, 6) + "-" + phone.substring(6);

        Response response = gateway.register(newTelegramId(), spelledDifferently);

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.detail()).isEqualTo("Phone number is already registered");
    }

    // The rest of POST /verify

    @Test
    void aReplacedCodeIsInvalidAndTheNewOneVerifies() {
        long user = newTelegramId();
        String phone = newPhoneNumber();
        gateway.register(user, phone);
        String replaced = deliveredCode(user, 1);
        clock.advance(Duration.ofSeconds(31));
        assertThat(gateway.register(user, phone).status()).isEqualTo(200);
        String current = deliveredCode(user, 2);

        Response old = gateway.verify(user, replaced);

        if (!replaced.equals(current)) {
            assertThat(old.status()).isEqualTo(400);
            assertThat(old.detail()).isEqualTo("Invalid or expired code");
        }
        assertThat(gateway.verify(user, current).status()).isEqualTo(200);
    }

    @Test
    void anUnknownUserGetsTheSameAnswerAsAWrongCode() {
        Response response = gateway.verify(newTelegramId(), "348291");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().toString()).isEqualTo("{\"detail\":\"Invalid or expired code\"}");
    }

    @Test
    void aCodeBurnedByWrongGuessesIsTooManyAttemptsEvenWhenRight() {
        long user = newTelegramId();
        gateway.register(user, newPhoneNumber());
        String code = deliveredCode(user, 1);

        assertThat(gateway.verify(user, otherThan(code)).status()).isEqualTo(400);
        assertThat(gateway.verify(user, otherThan(code)).status()).isEqualTo(400);
        Response right = gateway.verify(user, code);
        Response wrong = gateway.verify(user, otherThan(code));

        for (Response response : List.of(right, wrong)) {
            assertThat(response.status()).isEqualTo(429);
            assertThat(response.json().toString())
                    .isEqualTo("{\"detail\":\"Too many failed attempts, request a new code\"}");
        }
    }

    @Test
    void losingTheNumberToAnotherUserWhileACodeIsLiveIsAConflict() {
        String phone = newPhoneNumber();
        long first = newTelegramId();
        long second = newTelegramId();
        gateway.register(first, phone);
        gateway.register(second, phone);
        assertThat(gateway.verify(first, deliveredCode(first, 1)).status()).isEqualTo(200);

        Response response = gateway.verify(second, deliveredCode(second, 1));

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.json().toString()).isEqualTo("{\"detail\":\"Phone number is already registered\"}");
    }

    // On both endpoints

    @Test
    void withoutTheApiKeyNothingIsSent() {
        long user = newTelegramId();
        for (String path : List.of("/register", "/verify")) {
            for (String key : List.of("", "wrong-key")) {
                HttpRequest.Builder request = gateway.request(path).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"telegram_id\": " + user
                                + ", \"phone_number\": \"+998901234567\"}"));
                if (!key.isEmpty()) {
                    request.header("X-API-Key", key);
                }

                Response response = gateway.send(request);

                assertThat(response.status()).isEqualTo(401);
                assertThat(response.json().toString()).isEqualTo("{\"detail\":\"Not authenticated\"}");
            }
        }
        for (String path : List.of("/register;x=1", "/regist%65r", "//register", "/verify/../register")) {
            Response response = gateway.send(gateway.request(path).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"telegram_id\": " + user
                            + ", \"phone_number\": \"+998901234567\"}")));
            assertThat(response.status()).as(path).isIn(400, 401, 404);
        }
        assertThat(codesOf(user)).isEmpty();
    }

    @Test
    void invalidBodiesAreValidationErrorsInFastApisShape() {
        record Case(String path, String contentType, String body, String type) {
        }
        for (Case bad : List.of(
                new Case("/register", "application/json", "{\"telegram_id\": 1,", "json_invalid"),
                new Case("/register", "text/plain", "{\"telegram_id\": 1, \"phone_number\": \"+998901234567\"}",
                        "model_attributes_type"),
                new Case("/register", "application/json", "{\"phone_number\": \"+998901234567\"}", "missing"),
                new Case("/register", "application/json", "{\"telegram_id\": 1.5, \"phone_number\": \"+998901234567\"}",
                        "int_type"),
                new Case("/register", "application/json", "{\"telegram_id\": \"1\", \"phone_number\": \"+998901234567\"}",
                        "int_type"),
                new Case("/register", "application/json", "{\"telegram_id\": 0, \"phone_number\": \"+998901234567\"}",
                        "greater_than_equal"),
                new Case("/register", "application/json",
                        "{\"telegram_id\": 9223372036854775808, \"phone_number\": \"+998901234567\"}", "less_than_equal"),
                new Case("/register", "application/json", "{\"telegram_id\": 1, \"phone_number\": \"12345\"}",
                        "value_error"),
                new Case("/register", "application/json",
                        "{\"telegram_id\": 1, \"phone_number\": \"+998901234567\", \"x\": 1}", "extra_forbidden"),
                new Case("/verify", "application/json", "{\"telegram_id\": 1, \"verification_code\": \"12345\"}",
                        "string_pattern_mismatch"),
                new Case("/verify", "application/json", "{\"telegram_id\": 1, \"verification_code\": 123456}",
                        "string_type"))) {
            Response response = gateway.send(gateway.request(bad.path()).header("Content-Type", bad.contentType())
                    .header("X-API-Key", RunningGateway.API_KEY).POST(HttpRequest.BodyPublishers.ofString(bad.body())));

            assertThat(response.status()).as(bad.body()).isEqualTo(422);
            assertThat(response.json().get("detail").get(0).get("type").asString()).as(bad.body()).isEqualTo(bad.type());
            assertThat(response.json().get("detail").get(0).get("loc").get(0).asString()).isEqualTo("body");
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
        Response registered = gateway.send(gateway.request("/register").header("Content-Type", "application/json")
                .header("Accept", "text/html").header("X-API-Key", RunningGateway.API_KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"telegram_id\": " + user
                        + ", \"phone_number\": \"" + newPhoneNumber() + "\"}")));
        Response verified = gateway.send(gateway.request("/verify").header("Content-Type", "application/json")
                .header("Accept", "application/xml").header("X-API-Key", RunningGateway.API_KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"telegram_id\": " + user
                        + ", \"verification_code\": \"" + deliveredCode(user, 1) + "\"}")));

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
        Response trace = gateway.send(gateway.request("/register").method("TRACE", HttpRequest.BodyPublishers.noBody()));

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
        String head = "POST /register HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "X-API-Key: " + RunningGateway.API_KEY + "\r\n";
        String body = "{\"telegram_id\": " + user + ", \"phone_number\": \"+998901234567\"}";
        String shorterThanDeclared = gateway.raw(head + "Content-Length: " + (body.length() + 10) + "\r\n\r\n" + body);
        String malformedChunks = gateway.raw(head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + body + "\r\n0\r\n\r\n");

        for (String response : List.of(shorterThanDeclared, malformedChunks)) {
            assertThat(response).startsWith("HTTP/1.1 400 ")
                    .containsIgnoringCase("\r\nContent-Type: application/json")
                    .contains("{\"detail\":\"Bad Request\"}");
        }
        assertThat(codesOf(user)).isEmpty();
    }

    @Test
    void requestsTomcatRefusesBeforeAnyServletGetADetailAndNever5xx() {
        List<String> refused = List.of(
                gateway.raw("GET /register HTTP/2.0\r\nHost: localhost\r\n\r\n"),
                gateway.raw("GET /a%2fb HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"),
                gateway.raw("GET /register HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n"));

        for (String response : refused) {
            assertThat(response).startsWith("HTTP/1.1 400 ")
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
            for (String contentType : List.of("text/plain", "application/xml", "multipart/form-data; boundary=x",
                    "application/json; charset=utf-16", "application/x-www-form-urlencoded", "*/*", "nonsense")) {
                responses.add(CompletableFuture.supplyAsync(() -> gateway.send(gateway.request("/verify")
                        .header("Content-Type", contentType).header("X-API-Key", RunningGateway.API_KEY)
                        .POST(HttpRequest.BodyPublishers.ofString("telegram_id=1&verification_code=348291"))), clients));
            }
            for (String accept : List.of("text/html", "application/xml", "application/problem+json", "text/plain",
                    "nonsense", "*/*;q=oops")) {
                anyAccept.add(CompletableFuture.supplyAsync(() -> gateway.send(gateway.request("/verify")
                        .header("Content-Type", "application/json").header("Accept", accept)
                        .header("X-API-Key", RunningGateway.API_KEY)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"telegram_id\": 1, \"verification_code\": \"1\"}"))),
                        clients));
            }
            for (String method : List.of("PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE")) {
                responses.add(CompletableFuture.supplyAsync(() -> gateway.send(gateway.request("/register")
                        .method(method, HttpRequest.BodyPublishers.noBody())), clients));
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
            assertThat(response.json().get("detail").get(0).get("type").asString()).isEqualTo("string_pattern_mismatch");
        });
    }

    @Test
    void twoInstancesEachGetTheirOwnReplies() throws Exception {
        try (RunningGateway second = RunningGateway.start("gateway.reply-timeout=10s")) {
            // The very first request after start-up: its reply must not be lost to partition assignment.
            assertThat(second.register(newTelegramId(), newPhoneNumber()).status()).isEqualTo(200);

            List<CompletableFuture<Response>> responses = new ArrayList<>();
            List<Long> users = new ArrayList<>();
            try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 40; i++) {
                    RunningGateway instance = i % 2 == 0 ? gateway : second;
                    long user = newTelegramId();
                    users.add(user);
                    responses.add(CompletableFuture.supplyAsync(() -> instance.register(user, newPhoneNumber()), clients));
                }
            }
            assertThat(responses).allSatisfy(response -> assertThat(response.get().json().toString())
                    .isEqualTo(CODE_SENT));

            // Registered through one instance, verified through the other.
            long user = users.get(0);
            Response verified = second.verify(user, deliveredCode(user, 1));
            assertThat(verified.status()).isEqualTo(200);
        }
    }

    private static long newVerifiedUser(String phone) {
        long user = newTelegramId();
        assertThat(gateway.register(user, phone).status()).isEqualTo(200);
        assertThat(gateway.verify(user, deliveredCode(user, 1)).status()).isEqualTo(200);
        return user;
    }

    /** The n-th code (1-based) delivered to this user, waiting for it to arrive. */
    private static String deliveredCode(long telegramId, int n) {
        return await().atMost(Duration.ofSeconds(30))
                .until(() -> codesOf(telegramId), delivered -> delivered.size() >= n)
                .get(n - 1).code();
    }

    private static List<DeliverCode> codesOf(long telegramId) {
        return codes.values(DeliverCode.class).stream().filter(code -> code.telegramId() == telegramId).toList();
    }

    private static String otherThan(String code) {
        return code.equals("000000") ? "111111" : "000000";
    }

    private static long newTelegramId() {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }

    private static String newPhoneNumber() {
        return "+99890" + ThreadLocalRandom.current().nextInt(1_000_000, 10_000_000);
    }
}
