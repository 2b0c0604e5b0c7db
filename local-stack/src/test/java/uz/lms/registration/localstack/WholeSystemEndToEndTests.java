package uz.lms.registration.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
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
import tools.jackson.databind.json.JsonMapper;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.testsupport.TopicRecorder;

/**
 * Starts the whole system exactly as a developer does, with {@code ./run.sh} (local-stack and the three
 * services' exec jars as processes, on free ports). People share their contact in the web chat, then verify
 * in the chat or over the HTTP API; an outsider with the HTTP API can neither bind a number nor keep its
 * owner from verifying; {@code ./run.sh watch} masks what operators must not read; and stopping run.sh
 * leaves nothing behind. Runs with failsafe, after {@code package} has built the jars.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WholeSystemEndToEndTests {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    /** The first run after a build also trains the JVMs' class caches: a few minutes on a busy machine. */
    private static final Duration STARTUP = Duration.ofSeconds(480);

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Pattern CODE = Pattern.compile("<code>(\\d{6})</code>");
    /** A code as a JSON value, issued or typed: what run.sh watch must never print. */
    private static final Pattern CODE_IN_JSON = Pattern.compile("\"\\d{6}\"");
    /** The test's phone numbers, as given or normalized: "+998 90 111 22 33", "998901112233", ... */
    private static final Pattern PHONE_NUMBER = Pattern.compile("998[\\d -]{9,}");

    private static final String CODE_VALIDITY = "\nIt is valid for 60 seconds: type it here.";
    private static final long CHAT_USER = 910_000_001L;
    private static final long API_CLIENT = 910_000_002L;
    private static final long OWNER = 910_000_003L;
    private static final long OUTSIDER = 910_000_004L;
    private static final long GUESSED = 910_000_005L;

    private final JsonMapper json = JsonMapper.builder().build();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Integer> ports = Map.of(
            "LOCAL_STACK_KAFKA_PORT",
            freePort(),
            "LOCAL_STACK_POSTGRES_PORT",
            freePort(),
            "LOCAL_STACK_SANDBOX_PORT",
            freePort(),
            "RUN_GATEWAY_PORT",
            freePort(),
            "RUN_VERIFICATION_PORT",
            freePort(),
            "RUN_TELEGRAM_PORT",
            freePort());

    @TempDir
    static Path data;

    private Process runSh;
    private TopicRecorder userEvents;

    @BeforeAll
    void startTheSystemWithRunSh() throws Exception {
        for (String module : List.of("local-stack", "verification-service", "gateway-service", "telegram-service")) {
            assertThat(execJar(module))
                    .as("%s/target/*-exec.jar: build with ./mvnw package first", module)
                    .isPresent();
        }
        runSh = runSh("run.out", "--no-build");
        try {
            await().atMost(STARTUP).pollInterval(Duration.ofSeconds(1)).until(() -> {
                if (!runSh.isAlive()) {
                    throw new IllegalStateException("run.sh exited early");
                }
                return output().contains("LMS registration is running");
            });
        } catch (RuntimeException e) {
            throw new AssertionError("run.sh did not get the system ready:\n" + diagnostics(), e);
        }
        userEvents = TopicRecorder.start("127.0.0.1:" + port("LOCAL_STACK_KAFKA_PORT"), Topics.USER_EVENTS);
    }

    /** {@code ./run.sh args} with the test's ports and data folder, its output in {@code data/outputFile}. */
    private Process runSh(String outputFile, String... args) throws IOException {
        List<String> command =
                new ArrayList<>(List.of("bash", ROOT.resolve("run.sh").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(data.resolve(outputFile).toFile());
        Map<String, String> env = builder.environment();
        // What the test machine may have set must not leak in: the embedded parts are what is under test.
        env.keySet().removeIf(name -> name.matches("(SPRING|TELEGRAM|GATEWAY|VERIFICATION|LOCAL_STACK|RUN)_.*"));
        ports.forEach((name, port) -> env.put(name, String.valueOf(port)));
        env.put("LOCAL_STACK_DATA_DIR", data.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("JAVA_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        // Settings of the contract pass through run.sh to the services; a busy CI machine answers slowly.
        env.put("GATEWAY_REPLY_TIMEOUT", "20s");
        env.put("TELEGRAM_REPLY_TIMEOUT", "20s");
        return builder.start();
    }

    @AfterAll
    void stopWhatIsLeft() throws InterruptedException {
        if (userEvents != null) {
            userEvents.close();
        }
        if (runSh != null && runSh.isAlive()) {
            runSh.destroy();
            runSh.waitFor(60, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(1)
    void aPersonRegistersInTheWebChatAndTheChatReadsInOrder() throws Exception {
        chat(CHAT_USER, "/api/messages", "\"text\":\"/start\"");
        JsonNode greeting = awaitBotMessage(
                CHAT_USER, 0, message -> message.path("reply_markup").has("keyboard"));
        assertThat(greeting.at("/reply_markup/keyboard/0/0/request_contact").asBoolean())
                .isTrue();

        shareContact(CHAT_USER, "+998 90 111 22 33");
        JsonNode code = awaitCode(CHAT_USER, greeting);
        assertThat(code.get("text").asString()).endsWith(CODE_VALIDITY);
        // Once the bot has handled verification-service's answer to the contact, all it said is in the chat.
        await().atMost(PATIENCE)
                .until(() -> Files.readString(data.resolve("logs/telegram-service.log"))
                        .contains("registration telegram_id=" + CHAT_USER + " outcome=code_sent"));
        assertThat(botMessages(CHAT_USER, greeting.get("message_id").asInt()))
                .singleElement()
                .satisfies(only -> assertThat(only.get("message_id")).isEqualTo(code.get("message_id")));

        chat(CHAT_USER, "/api/messages", "\"text\":\"" + codeIn(code) + "\"");
        JsonNode verified = awaitUserEvent("UserVerified", CHAT_USER);
        assertThat(verified.get("phone_number").asString()).isEqualTo("+998901112233");
        awaitBotMessage(
                CHAT_USER,
                code.get("message_id").asInt(),
                message -> message.get("text").asString().equals("Congratulations! You are verified."));
    }

    @Test
    @Order(2)
    void onceTheNumberIsSharedAClientAsksForANewCodeAndVerifiesItThroughTheHttpApi() throws Exception {
        String phoneNumber = "{\"telegram_id\":" + API_CLIENT + ",\"phone_number\":\"+998 90 111 22 44\"}";
        HttpResponse<String> beforeSharing = gateway("/register", phoneNumber);
        assertThat(beforeSharing.statusCode()).isEqualTo(409);
        assertThat(beforeSharing.body()).isEqualTo("{\"detail\":\"Share this phone number with the bot first\"}");

        shareContact(API_CLIENT, "+998901112244");
        JsonNode first = awaitCode(API_CLIENT, null);
        HttpResponse<String> registered = gateway("/register", phoneNumber);
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
        assertThat(json.readTree(registered.body()).get("expires_in").asInt()).isEqualTo(60);

        // The new code replaces the first one and reaches the user only through the chat.
        JsonNode code = awaitCode(API_CLIENT, first);
        HttpResponse<String> verified = verify(API_CLIENT, codeIn(code));
        assertThat(verified.statusCode()).as(verified.body()).isEqualTo(200);
        assertThat(json.readTree(verified.body()).get("message").asString()).isEqualTo("User successfully verified");
        assertThat(awaitUserEvent("UserVerified", API_CLIENT)
                        .get("phone_number")
                        .asString())
                .isEqualTo("+998901112244");

        HttpResponse<String> again = gateway("/register", phoneNumber);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).isEqualTo("{\"detail\":\"User is already verified\"}");
        assertThat(http.send(HttpRequest.newBuilder(gatewayUrl("/docs")).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    @Order(3)
    void aNumberSomeoneElseGivesOverHttpIsRefusedAndItsOwnerStillRegisters() throws Exception {
        String ownersNumber = "+998 90 111 22 55";
        shareContact(OUTSIDER, "+998 90 111 22 66");
        awaitCode(OUTSIDER, null);

        // Neither the outsider's account with the owner's number, nor the owner's account with the outsider's.
        for (String attempt : List.of(
                "{\"telegram_id\":" + OUTSIDER + ",\"phone_number\":\"" + ownersNumber + "\"}",
                "{\"telegram_id\":" + OWNER + ",\"phone_number\":\"" + ownersNumber + "\"}",
                "{\"telegram_id\":" + OWNER + ",\"phone_number\":\"+998 90 111 22 66\"}")) {
            HttpResponse<String> refused = gateway("/register", attempt);
            assertThat(refused.statusCode()).as(attempt).isEqualTo(409);
            assertThat(refused.body()).isEqualTo("{\"detail\":\"Share this phone number with the bot first\"}");
        }

        shareContact(OWNER, ownersNumber);
        JsonNode code = awaitCode(OWNER, null);
        chat(OWNER, "/api/messages", "\"text\":\"" + codeIn(code) + "\"");
        assertThat(awaitUserEvent("UserVerified", OWNER).get("phone_number").asString())
                .isEqualTo("+998901112255");
    }

    @Test
    @Order(4)
    void aHundredWrongChecksOverHttpLeaveTheChatAbleToVerify() throws Exception {
        shareContact(GUESSED, "+998 90 111 22 77");
        JsonNode codeMessage = awaitCode(GUESSED, null);
        String code = codeIn(codeMessage);

        Map<Integer, Integer> statuses = new TreeMap<>();
        for (int guess = 0, made = 0; made < 100; guess++) {
            String candidate = "%06d".formatted(guess);
            if (!candidate.equals(code)) {
                statuses.merge(verify(GUESSED, candidate).statusCode(), 1, Integer::sum);
                made++;
            }
        }
        // At most verification.max-attempts wrong checks of a code over HTTP; the rest are refused unchecked
        // (the gateway's rate limit may refuse some first, with 429 too).
        assertThat(statuses).as("status: count").containsOnlyKeys(400, 429);
        assertThat(statuses.getOrDefault(400, 0)).isLessThanOrEqualTo(5);
        assertThat(verify(GUESSED, code).statusCode())
                .as("the right code, burned for HTTP")
                .isEqualTo(429);

        chat(GUESSED, "/api/messages", "\"text\":\"" + code + "\"");
        awaitBotMessage(
                GUESSED,
                codeMessage.get("message_id").asInt(),
                message -> message.get("text").asString().equals("Congratulations! You are verified."));
        assertThat(awaitUserEvent("UserVerified", GUESSED).get("phone_number").asString())
                .isEqualTo("+998901112277");
    }

    @Test
    @Order(5)
    void runShWatchShowsTheFlowOnTheTopicsButNoCodeNorPhoneNumber() throws Exception {
        Process watch = runSh("watch.out", "watch");
        try {
            await().atMost(PATIENCE)
                    .until(() -> Files.readString(data.resolve("watch.out"))
                            .lines()
                            .anyMatch(line -> line.contains("user.events")
                                    && line.contains("\"UserVerified\"")
                                    && line.contains(String.valueOf(GUESSED))));
            String watched = Files.readString(data.resolve("watch.out"));
            assertThat(watched)
                    .contains(
                            "registration.requests",
                            "verification.requests",
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
        List<ProcessHandle> started = runSh.toHandle().descendants().toList();
        assertThat(started).hasSizeGreaterThanOrEqualTo(4);

        runSh.destroy();

        assertThat(runSh.waitFor(90, TimeUnit.SECONDS)).as(output()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> started.stream().noneMatch(ProcessHandle::isAlive));
        assertThat(data.resolve("postgres").resolve("postmaster.pid")).doesNotExist();
        for (int port : ports.values()) {
            assertThatCode(() -> new Socket("127.0.0.1", port).close())
                    .as("port %d", port)
                    .isInstanceOf(IOException.class);
        }
        assertThat(output()).contains("Stopped.");
    }

    private void chat(long userId, String path, String fields) throws Exception {
        String body = "{\"user_id\":\"" + userId + "\",\"first_name\":\"E2E\",\"language_code\":\"en\"," + fields + "}";
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(sandboxUrl(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    /** The user's own contact, shared with the web chat's button. */
    private void shareContact(long userId, String phoneNumber) throws Exception {
        chat(userId, "/api/contact", "\"phone_number\":\"" + phoneNumber + "\"");
    }

    /** The first message with a code the bot sent this user after {@code after} (null: from the start). */
    private JsonNode awaitCode(long userId, JsonNode after) {
        return awaitBotMessage(
                userId,
                after == null ? 0 : after.get("message_id").asInt(),
                message -> CODE.matcher(message.get("text").asString()).find());
    }

    /** The messages the bot sent this user after {@code afterId}, oldest first, read as the web chat does. */
    private List<JsonNode> botMessages(long userId, int afterId) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(sandboxUrl("/api/messages?user_id=" + userId + "&after=" + afterId))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        List<JsonNode> messages = new ArrayList<>();
        json.readTree(response.body()).get("messages").forEach(messages::add);
        return messages;
    }

    /** The first message the bot sent this user after {@code afterId} that matches, read as the web chat does. */
    private JsonNode awaitBotMessage(long userId, int afterId, Predicate<JsonNode> matching) {
        return await().atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> botMessages(userId, afterId).stream()
                                .filter(matching)
                                .findFirst()
                                .orElse(null),
                        message -> message != null);
    }

    private JsonNode awaitUserEvent(String type, long telegramId) {
        return await().atMost(PATIENCE)
                .until(
                        () -> userEvents.values(JsonNode.class).stream()
                                .filter(event -> event.get("type").asString().equals(type))
                                .filter(event -> event.get("telegram_id").asLong() == telegramId)
                                .findFirst()
                                .orElse(null),
                        event -> event != null);
    }

    private HttpResponse<String> verify(long telegramId, String code) throws Exception {
        return gateway("/verify", "{\"telegram_id\":" + telegramId + ",\"verification_code\":\"" + code + "\"}");
    }

    private HttpResponse<String> gateway(String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(gatewayUrl(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String codeIn(JsonNode message) {
        Matcher matcher = CODE.matcher(message.get("text").asString());
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }

    private URI sandboxUrl(String path) {
        return URI.create("http://127.0.0.1:" + port("LOCAL_STACK_SANDBOX_PORT") + path);
    }

    private URI gatewayUrl(String path) {
        return URI.create("http://127.0.0.1:" + port("RUN_GATEWAY_PORT") + path);
    }

    private int port(String name) {
        return ports.get(name);
    }

    private String output() throws IOException {
        return Files.readString(data.resolve("run.out"));
    }

    /** run.sh's output and the end of every process's log, for a failure message. */
    private String diagnostics() throws IOException {
        StringBuilder text = new StringBuilder(output());
        for (String name : List.of("local-stack", "verification-service", "gateway-service", "telegram-service")) {
            Path log = data.resolve("logs").resolve(name + ".log");
            if (Files.exists(log)) {
                List<String> lines = Files.readAllLines(log);
                text.append("\n--- ")
                        .append(name)
                        .append(".log (end)\n")
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size())));
            }
        }
        return text.toString();
    }

    private static Optional<Path> execJar(String module) throws IOException {
        Path target = ROOT.resolve(module).resolve("target");
        if (!Files.isDirectory(target)) {
            return Optional.empty();
        }
        try (var files = Files.list(target)) {
            return files.filter(file -> file.getFileName().toString().endsWith("-exec.jar"))
                    .findFirst();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }
}
