package uz.lms.registration.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;
import static uz.lms.registration.localstack.WholeSystem.PATIENCE;
import static uz.lms.registration.localstack.WholeSystem.codeIn;

import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The whole system as {@code ./run.sh} starts it ({@link WholeSystem}): people share their contact in the web
 * chat, then verify in the chat or over the HTTP API; an outsider with the HTTP API can neither bind a number
 * nor keep its owner from verifying; {@code ./run.sh watch} shows the flow on the topics but masks what operators
 * must not read, and stopping run.sh leaves nothing behind. Runs with failsafe, after {@code package} has built the jars.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WholeSystemEndToEndTests {

    private static final String CODE_VALIDITY = "\nIt is valid for 60 seconds: type it here.";
    private static final long CHAT_USER = 910_000_001L;
    private static final long API_CLIENT = 910_000_002L;
    private static final long OWNER = 910_000_003L;
    private static final long OUTSIDER = 910_000_004L;
    private static final long GUESSED = 910_000_005L;
    private static final long WATCHED = 910_000_006L;
    /** A code as a JSON value, issued or typed: what run.sh watch must never print. */
    private static final Pattern CODE_IN_JSON = Pattern.compile("\"\\d{6}\"");
    /** The test's phone numbers, as given or normalized: "+998 90 111 22 88", "998901112288", ... */
    private static final Pattern PHONE_NUMBER = Pattern.compile("998[\\d -]{9,}");

    @TempDir
    static Path data;

    private WholeSystem system;

    @BeforeAll
    void startTheSystemWithRunSh() throws Exception {
        system = WholeSystem.start(data);
    }

    @AfterAll
    void stopIt() throws InterruptedException {
        if (system != null) {
            system.close();
        }
    }

    @Test
    @Order(1)
    void aPersonRegistersInTheWebChatAndTheChatReadsInOrder() throws Exception {
        system.type(CHAT_USER, "/start");
        JsonNode greeting = system.awaitBotMessage(
                CHAT_USER, 0, message -> message.path("reply_markup").has("keyboard"));
        assertThat(greeting.at("/reply_markup/keyboard/0/0/request_contact").asBoolean())
                .isTrue();

        system.shareContact(CHAT_USER, "+998 90 111 22 33");
        JsonNode code = system.awaitCode(CHAT_USER, greeting);
        assertThat(code.get("text").asString()).endsWith(CODE_VALIDITY);
        // Once the bot has handled verification-service's answer to the contact, all it said is in the chat.
        await().atMost(PATIENCE)
                .until(() -> system.log("telegram-service")
                        .contains("registration telegram_id=" + CHAT_USER + " outcome=code_sent"));
        assertThat(system.botMessages(CHAT_USER, greeting.get("message_id").asInt()))
                .singleElement()
                .satisfies(only -> assertThat(only.get("message_id")).isEqualTo(code.get("message_id")));

        system.type(CHAT_USER, codeIn(code));
        JsonNode verified = system.awaitUserEvent("UserVerified", CHAT_USER);
        assertThat(verified.get("phone_number").asString()).isEqualTo("+998901112233");
        system.awaitBotMessage(
                CHAT_USER,
                code.get("message_id").asInt(),
                message -> message.get("text").asString().equals("Congratulations! You are verified."));
    }

    @Test
    @Order(2)
    void onceTheNumberIsSharedAClientAsksForANewCodeAndVerifiesItThroughTheHttpApi() throws Exception {
        String phoneNumber = "{\"telegram_id\":" + API_CLIENT + ",\"phone_number\":\"+998 90 111 22 44\"}";
        HttpResponse<String> beforeSharing = system.gateway("/register", phoneNumber);
        assertThat(beforeSharing.statusCode()).isEqualTo(409);
        assertThat(beforeSharing.body()).isEqualTo("{\"detail\":\"Share this phone number with the bot first\"}");

        system.shareContact(API_CLIENT, "+998901112244");
        JsonNode first = system.awaitCode(API_CLIENT, null);
        HttpResponse<String> registered = system.gateway("/register", phoneNumber);
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
        assertThat(system.readTree(registered.body()).get("expires_in").asInt()).isEqualTo(60);

        // The new code replaces the first one and reaches the user only through the chat.
        JsonNode code = system.awaitCode(API_CLIENT, first);
        HttpResponse<String> verified = system.verify(API_CLIENT, codeIn(code));
        assertThat(verified.statusCode()).as(verified.body()).isEqualTo(200);
        assertThat(system.readTree(verified.body()).get("message").asString()).isEqualTo("User successfully verified");
        assertThat(system.awaitUserEvent("UserVerified", API_CLIENT)
                        .get("phone_number")
                        .asString())
                .isEqualTo("+998901112244");

        HttpResponse<String> again = system.gateway("/register", phoneNumber);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).isEqualTo("{\"detail\":\"User is already verified\"}");
        assertThat(system.gatewayGet("/docs").statusCode()).isEqualTo(200);
    }

    @Test
    @Order(3)
    void aNumberSomeoneElseGivesOverHttpIsRefusedAndItsOwnerStillRegisters() throws Exception {
        String ownersNumber = "+998 90 111 22 55";
        system.shareContact(OUTSIDER, "+998 90 111 22 66");
        system.awaitCode(OUTSIDER, null);

        // Neither the outsider's account with the owner's number, nor the owner's account with the outsider's.
        for (String attempt : List.of(
                "{\"telegram_id\":" + OUTSIDER + ",\"phone_number\":\"" + ownersNumber + "\"}",
                "{\"telegram_id\":" + OWNER + ",\"phone_number\":\"" + ownersNumber + "\"}",
                "{\"telegram_id\":" + OWNER + ",\"phone_number\":\"+998 90 111 22 66\"}")) {
            HttpResponse<String> refused = system.gateway("/register", attempt);
            assertThat(refused.statusCode()).as(attempt).isEqualTo(409);
            assertThat(refused.body()).isEqualTo("{\"detail\":\"Share this phone number with the bot first\"}");
        }

        system.shareContact(OWNER, ownersNumber);
        JsonNode code = system.awaitCode(OWNER, null);
        system.type(OWNER, codeIn(code));
        assertThat(system.awaitUserEvent("UserVerified", OWNER)
                        .get("phone_number")
                        .asString())
                .isEqualTo("+998901112255");
    }

    @Test
    @Order(4)
    void aHundredWrongChecksOverHttpLeaveTheChatAbleToVerify() throws Exception {
        system.shareContact(GUESSED, "+998 90 111 22 77");
        JsonNode codeMessage = system.awaitCode(GUESSED, null);
        String code = codeIn(codeMessage);

        Map<Integer, Integer> statuses = new TreeMap<>();
        for (int guess = 0, made = 0; made < 100; guess++) {
            String candidate = "%06d".formatted(guess);
            if (!candidate.equals(code)) {
                statuses.merge(system.verify(GUESSED, candidate).statusCode(), 1, Integer::sum);
                made++;
            }
        }
        // At most verification.max-attempts wrong checks of a code over HTTP; the rest are refused unchecked
        // (the gateway's rate limit may refuse some first, with 429 too).
        assertThat(statuses).as("status: count").containsOnlyKeys(400, 429);
        assertThat(statuses.getOrDefault(400, 0)).isLessThanOrEqualTo(5);
        // The rate limit's 429 comes with Retry-After and says nothing of the code: ask until it lets the check by.
        HttpResponse<String> rightCode = await().atMost(PATIENCE)
                .pollInterval(Duration.ofSeconds(1))
                .until(
                        () -> system.verify(GUESSED, code),
                        response -> response.headers().firstValue("Retry-After").isEmpty());
        assertThat(rightCode.statusCode()).as("the right code, burned for HTTP").isEqualTo(429);
        assertThat(rightCode.body()).isEqualTo("{\"detail\":\"Too many failed attempts, request a new code\"}");

        system.type(GUESSED, code);
        system.awaitBotMessage(
                GUESSED,
                codeMessage.get("message_id").asInt(),
                message -> message.get("text").asString().equals("Congratulations! You are verified."));
        assertThat(system.awaitUserEvent("UserVerified", GUESSED)
                        .get("phone_number")
                        .asString())
                .isEqualTo("+998901112277");
    }

    @Test
    @Order(5)
    void runShWatchShowsTheFlowOnTheTopicsButNoCodeNorPhoneNumber() throws Exception {
        system.shareContact(WATCHED, "+998 90 111 22 88");
        system.type(WATCHED, codeIn(system.awaitCode(WATCHED, null)));
        system.awaitUserEvent("UserVerified", WATCHED);

        Process watch = system.runSh("watch.out", "watch");
        try {
            await().atMost(PATIENCE)
                    .until(() -> Files.readString(data.resolve("watch.out"))
                            .lines()
                            .anyMatch(line -> line.contains("user.events")
                                    && line.contains("\"UserVerified\"")
                                    && line.contains(String.valueOf(WATCHED))));
            String watched = Files.readString(data.resolve("watch.out"));
            assertThat(watched)
                    .contains(
                            "registration.requests",
                            "verification.requests",
                            "chat.registrations",
                            "chat.verifications",
                            "code.deliveries",
                            "verification.codes",
                            "telegram.updates",
                            "\"code\":\"******\"",
                            "\"verification_code\":\"******\"",
                            "\"phone_number\":\"******\"",
                            "\"text\":\"******\"");
            assertThat(CODE_IN_JSON.matcher(watched).find())
                    .as("a code in run.sh watch's output")
                    .isFalse();
            assertThat(PHONE_NUMBER.matcher(watched).find())
                    .as("a phone number in run.sh watch's output")
                    .isFalse();
        } finally {
            watch.destroy();
            watch.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(6)
    void stoppingRunShLeavesNoProcessBehind() throws Exception {
        Process runSh = system.runSh();
        List<ProcessHandle> started = runSh.toHandle().descendants().toList();
        assertThat(started).hasSizeGreaterThanOrEqualTo(4);

        runSh.destroy();

        assertThat(runSh.waitFor(90, TimeUnit.SECONDS)).as(system.output()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> started.stream().noneMatch(ProcessHandle::isAlive));
        assertThat(data.resolve("postgres").resolve("postmaster.pid")).doesNotExist();
        for (int port : system.ports()) {
            assertThatCode(() -> new Socket("127.0.0.1", port).close())
                    .as("port %d", port)
                    .isInstanceOf(IOException.class);
        }
        assertThat(system.output()).contains("Stopped.");
    }
}
