package uz.lms.registration.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.testsupport.SystemProcess;
import uz.lms.registration.testsupport.TopicRecorder;

/**
 * The whole system started exactly as a developer does, with {@code RUN_OBSERVABILITY=true ./run.sh --no-build}
 * (local-stack, Zipkin's server and the three services' exec jars as processes, on free ports, in a data folder of
 * the test's), and what a test does with it: chat in the Telegram sandbox's web chat, call the gateway, read
 * {@code user.events}, ask Zipkin and the actuators. Closing it stops run.sh. Needs the exec jars that
 * {@code package} builds.
 */
final class WholeSystem implements AutoCloseable {

    static final Duration PATIENCE = Duration.ofSeconds(60);

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final List<String> MODULES =
            List.of("local-stack", "verification-service", "gateway-service", "telegram-service");
    /** The first run after a build also trains the JVMs' class caches: a few minutes on a busy machine. */
    private static final Duration STARTUP = Duration.ofSeconds(480);

    private static final Pattern CODE = Pattern.compile("<code>(\\d{6})</code>");

    private final JsonMapper json = JsonMapper.builder().build();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Integer> ports = Map.of(
            "LOCAL_STACK_KAFKA_PORT",
            SystemProcess.freePort(),
            "LOCAL_STACK_POSTGRES_PORT",
            SystemProcess.freePort(),
            "LOCAL_STACK_SANDBOX_PORT",
            SystemProcess.freePort(),
            "RUN_GATEWAY_PORT",
            SystemProcess.freePort(),
            "RUN_VERIFICATION_PORT",
            SystemProcess.freePort(),
            "RUN_TELEGRAM_PORT",
            SystemProcess.freePort(),
            "RUN_ZIPKIN_PORT",
            SystemProcess.freePort());
    private final Path data;
    private final Process runSh;
    private final TopicRecorder userEvents;

    private WholeSystem(Path data) throws IOException, InterruptedException {
        this.data = data;
        // Fails naming the missing jar, before run.sh --no-build would.
        MODULES.forEach(SystemProcess::execJar);
        runSh = runSh("run.out", "--no-build");
        try {
            await().atMost(STARTUP).pollInterval(Duration.ofSeconds(1)).until(() -> {
                if (!runSh.isAlive()) {
                    throw new IllegalStateException("run.sh exited early");
                }
                return output().contains("LMS registration is running");
            });
        } catch (RuntimeException e) {
            AssertionError notReady = new AssertionError("run.sh did not get the system ready:\n" + diagnostics(), e);
            runSh.destroy();
            runSh.waitFor(60, TimeUnit.SECONDS);
            throw notReady;
        }
        userEvents = TopicRecorder.start("127.0.0.1:" + ports.get("LOCAL_STACK_KAFKA_PORT"), Topics.USER_EVENTS);
    }

    /** Starts run.sh with its data and logs in {@code data}, and returns once it says the system is ready. */
    static WholeSystem start(Path data) throws IOException, InterruptedException {
        return new WholeSystem(data);
    }

    /** {@code ./run.sh args} with the test's ports and data folder, its output in {@code data/outputFile}. */
    Process runSh(String outputFile, String... args) throws IOException {
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
        // Zipkin's server too, every service exporting its spans to it.
        env.put("RUN_OBSERVABILITY", "true");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("JAVA_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        // Settings of the contract pass through run.sh to the services; a busy CI machine answers slowly.
        env.put("GATEWAY_REPLY_TIMEOUT", "20s");
        env.put("TELEGRAM_REPLY_TIMEOUT", "20s");
        return builder.start();
    }

    /** The run.sh that started the system. */
    Process runSh() {
        return runSh;
    }

    Path data() {
        return data;
    }

    Collection<Integer> ports() {
        return ports.values();
    }

    /** The port run.sh was given as {@code setting} ({@code RUN_GATEWAY_PORT}, ...). */
    int port(String setting) {
        return ports.get(setting);
    }

    /** GETs {@code path} from Zipkin's API. */
    JsonNode zipkin(String path) throws Exception {
        return json.readTree(get(port("RUN_ZIPKIN_PORT"), path));
    }

    /** GETs {@code path} on 127.0.0.1:{@code port}; the body, once the answer is 200. */
    String get(int port, String path) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET :%d%s", port, path).isEqualTo(200);
        return response.body();
    }

    /** What run.sh printed so far. */
    String output() throws IOException {
        return Files.readString(data.resolve("run.out"));
    }

    /** The process's log so far, {@code logs/<name>.log}. */
    String log(String name) throws IOException {
        return Files.readString(data.resolve("logs").resolve(name + ".log"));
    }

    /** Sends what a user does in the web chat: {@code fields} are the request's besides the user's own. */
    void chat(long userId, String path, String fields) throws Exception {
        String body = "{\"user_id\":\"" + userId + "\",\"first_name\":\"E2E\",\"language_code\":\"en\"," + fields + "}";
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(sandboxUrl(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    /** Types {@code text} in the web chat. */
    void type(long userId, String text) throws Exception {
        chat(userId, "/api/messages", "\"text\":\"" + text + "\"");
    }

    /** The user's own contact, shared with the web chat's button. */
    void shareContact(long userId, String phoneNumber) throws Exception {
        chat(userId, "/api/contact", "\"phone_number\":\"" + phoneNumber + "\"");
    }

    /** The first message with a code the bot sent this user after {@code after} (null: from the start). */
    JsonNode awaitCode(long userId, JsonNode after) {
        return awaitBotMessage(
                userId,
                after == null ? 0 : after.get("message_id").asInt(),
                message -> CODE.matcher(message.get("text").asString()).find());
    }

    /** The messages the bot sent this user after {@code afterId}, oldest first, read as the web chat does. */
    List<JsonNode> botMessages(long userId, int afterId) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(sandboxUrl("/api/messages?user_id=" + userId + "&after=" + afterId))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        List<JsonNode> messages = new ArrayList<>();
        json.readTree(response.body()).get("messages").forEach(messages::add);
        return messages;
    }

    /** The first message the bot sent this user after {@code afterId} that matches, read as the web chat does. */
    JsonNode awaitBotMessage(long userId, int afterId, Predicate<JsonNode> matching) {
        return await().atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> botMessages(userId, afterId).stream()
                                .filter(matching)
                                .findFirst()
                                .orElse(null),
                        message -> message != null);
    }

    JsonNode awaitUserEvent(String type, long telegramId) {
        return await().atMost(PATIENCE)
                .until(
                        () -> userEvents.values(JsonNode.class).stream()
                                .filter(event -> event.get("type").asString().equals(type))
                                .filter(event -> event.get("telegram_id").asLong() == telegramId)
                                .findFirst()
                                .orElse(null),
                        event -> event != null);
    }

    HttpResponse<String> verify(long telegramId, String code) throws Exception {
        return gateway("/verify", "{\"telegram_id\":" + telegramId + ",\"verification_code\":\"" + code + "\"}");
    }

    /** POSTs {@code body} to the gateway. */
    HttpResponse<String> gateway(String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(gatewayUrl(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** GETs {@code path} from the gateway. */
    HttpResponse<String> gatewayGet(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(gatewayUrl(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode readTree(String body) {
        return json.readTree(body);
    }

    static String codeIn(JsonNode message) {
        Matcher matcher = CODE.matcher(message.get("text").asString());
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }

    /** Stops run.sh, if a test has not, and what it started. */
    @Override
    public void close() throws InterruptedException {
        userEvents.close();
        if (runSh.isAlive()) {
            runSh.destroy();
            runSh.waitFor(60, TimeUnit.SECONDS);
        }
    }

    private URI sandboxUrl(String path) {
        return URI.create("http://127.0.0.1:" + ports.get("LOCAL_STACK_SANDBOX_PORT") + path);
    }

    private URI gatewayUrl(String path) {
        return URI.create("http://127.0.0.1:" + ports.get("RUN_GATEWAY_PORT") + path);
    }

    /** run.sh's output and the end of every process's log, for a failure message. */
    private String diagnostics() throws IOException {
        StringBuilder text = new StringBuilder(output());
        for (String name : Stream.concat(MODULES.stream(), Stream.of("zipkin")).toList()) {
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
}
