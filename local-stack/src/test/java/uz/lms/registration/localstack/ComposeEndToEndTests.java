package uz.lms.registration.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.testsupport.Prerequisite;
import uz.lms.registration.testsupport.TopicRecorder;

/**
 * Starts compose.yaml as a user does: the services' images built by the project's Dockerfile, then
 * {@code docker compose --profile sandbox up --wait} with two instances each of verification-service and
 * of the sandbox's bot. A person registers in the sandbox's web chat and verifies through
 * {@code POST /verify}; {@code UserVerified} arrives on {@code user.events}; one bot instance polls; each
 * service's Kafka principal is refused what is not its own; a restarted service puts the retention of its
 * topics back; {@code down -v} leaves nothing behind.
 * Tagged {@code docker}: it runs where Docker runs, and skips, saying why, where Docker's engine does not
 * answer. Build and start times are printed to the test's output.
 */
@Tag("docker")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ComposeEndToEndTests {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    /** A project of its own, so that runs sharing a Docker engine never stop each other's stack. */
    private static final String PROJECT =
            "lms-registration-e2e-" + ProcessHandle.current().pid();

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final Pattern CODE = Pattern.compile("<code>(\\d{6})</code>");
    private static final long PERSON = 920_000_001L;
    private static final Map<String, String> PASSWORDS = Map.of(
            "verification-service",
            "KAFKA_VERIFICATION_PASSWORD",
            "gateway-service",
            "KAFKA_GATEWAY_PASSWORD",
            "telegram-service",
            "KAFKA_TELEGRAM_PASSWORD",
            "operator",
            "KAFKA_OPERATOR_PASSWORD");

    private final JsonMapper json = JsonMapper.builder().build();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, String> environment = new HashMap<>();
    private DockerCompose compose;
    private TopicRecorder userEvents;

    @BeforeAll
    void buildAndStartTheStack() {
        environment.putAll(Map.of(
                "LMS_GATEWAY_PORT",
                freePort(),
                "LMS_SANDBOX_PORT",
                freePort(),
                "LMS_KAFKA_PORT",
                freePort(),
                "VERIFICATION_CODE_SECRET",
                secret(),
                "POSTGRES_PASSWORD",
                secret(),
                "GATEWAY_REPLY_TIMEOUT",
                "20s",
                "TELEGRAM_REPLY_TIMEOUT",
                "20s"));
        // As `docker compose --profile sandbox ...`, for every command.
        environment.put("COMPOSE_PROFILES", "sandbox");
        PASSWORDS.values().forEach(variable -> environment.put(variable, secret()));
        DockerCompose.Availability availability = DockerCompose.find(ROOT, PROJECT, environment);
        Prerequisite.require(
                availability.compose() != null, "compose.yaml cannot be started here: " + availability.whyNot());
        compose = availability.compose();

        DockerCompose.Result build = compose.run("build");
        assertThat(build.succeeded()).as(build.output()).isTrue();
        DockerCompose.Result up = upAsScaled();
        System.out.printf(
                "%s: images built in %d s, stack up and healthy in %d s%n",
                compose.version(), build.took().toSeconds(), up.took().toSeconds());
        assertThat(up.succeeded()).as("%s%n%s", up.output(), logs()).isTrue();
        userEvents = TopicRecorder.start(client("operator"), Topics.USER_EVENTS);
    }

    @AfterAll
    void stopTheStack() {
        if (userEvents != null) {
            userEvents.close();
        }
        if (compose != null && !compose.leftovers().isEmpty()) {
            compose.run("down", "--volumes", "--remove-orphans");
        }
    }

    @Test
    @Order(1)
    void aPersonStartsTheBotSharesTheirContactAndVerifiesTheCodeThroughTheGateway() throws Exception {
        chat("/api/messages", "\"text\":\"/start\"");
        JsonNode greeting =
                awaitBotMessage(0, message -> message.path("reply_markup").has("keyboard"));

        chat("/api/contact", "\"phone_number\":\"+998 90 222 33 44\"");
        JsonNode code = awaitBotMessage(
                greeting.get("message_id").asInt(),
                message -> CODE.matcher(message.get("text").asString()).find());
        HttpResponse<String> verified =
                gateway("/verify", "{\"telegram_id\":" + PERSON + ",\"verification_code\":\"" + codeIn(code) + "\"}");

        assertThat(verified.statusCode()).as(verified.body()).isEqualTo(200);
        JsonNode event = await().atMost(PATIENCE)
                .until(
                        () -> userEvents.values(JsonNode.class, PERSON).stream()
                                .filter(value -> value.get("type").asString().equals("UserVerified"))
                                .findFirst()
                                .orElse(null),
                        value -> value != null);
        assertThat(event.get("phone_number").asString()).isEqualTo("+998902223344");
    }

    @Test
    @Order(2)
    void twoInstancesOfEachScaledServiceRunAndOnlyOneBotInstancePolls() {
        assertThat(List.of(1, 2))
                .allSatisfy(index -> assertThat(compose.exec(
                                        "verification-service",
                                        index,
                                        "bash",
                                        "-c",
                                        get(8081, "/actuator/health/readiness"))
                                .output())
                        .contains("\"UP\""));
        List<Integer> polling = List.of(1, 2).stream()
                .map(index -> compose.exec("sandbox-bot", index, "bash", "-c", get(8082, "/actuator/prometheus"))
                        .output()
                        .lines()
                        .filter(line -> line.startsWith("telegram_polling"))
                        .mapToInt(line -> (int) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                        .sum())
                .toList();

        assertThat(polling).containsExactlyInAnyOrder(0, 1);
    }

    @Test
    @Order(3)
    void eachServiceMayReadAndWriteOnlyItsRowsOfTheTopicTable() throws Exception {
        // The contract's topic table, plus each service's own reply topics; nothing else.
        Map<String, Map<String, String>> expected = Map.of(
                "verification-service",
                        Map.of(
                                "registration.requests",
                                "R",
                                "verification.requests",
                                "R",
                                "verification.codes",
                                "W",
                                "user.events",
                                "W",
                                "gateway.registration.replies",
                                "W",
                                "gateway.verification.replies",
                                "W",
                                "telegram.registration.replies",
                                "W",
                                "telegram.verification.replies",
                                "W"),
                "gateway-service",
                        Map.of(
                                "registration.requests",
                                "W",
                                "verification.requests",
                                "W",
                                "gateway.registration.replies",
                                "R",
                                "gateway.verification.replies",
                                "R"),
                "telegram-service",
                        Map.of(
                                "registration.requests",
                                "W",
                                "verification.requests",
                                "W",
                                "verification.codes",
                                "R",
                                "code.deliveries",
                                "W",
                                "telegram.updates",
                                "RW",
                                "telegram.registration.replies",
                                "R",
                                "telegram.verification.replies",
                                "R"),
                "operator", Map.of("user.events", "R", "code.deliveries", "R"));
        List<String> topics = List.of(
                "registration.requests",
                "verification.requests",
                "verification.codes",
                "user.events",
                "code.deliveries",
                "gateway.registration.replies",
                "gateway.verification.replies",
                "telegram.registration.replies",
                "telegram.verification.replies",
                "telegram.updates");

        for (Map.Entry<String, Map<String, String>> principal : expected.entrySet()) {
            Map<String, String> actual = new HashMap<>();
            try (Admin admin = Admin.create(client(principal.getKey()))) {
                Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(
                                topics, new DescribeTopicsOptions().includeAuthorizedOperations(true))
                        .topicNameValues();
                for (String topic : topics) {
                    String access = access(described.get(topic));
                    if (!access.isEmpty()) {
                        actual.put(topic, access);
                    }
                }
            }
            assertThat(actual).as(principal.getKey()).isEqualTo(principal.getValue());
        }
    }

    @Test
    @Order(4)
    void theGatewayCannotReadCodesNorJoinAnothersGroupAndTheBotCannotWriteCodes() {
        assertThatThrownBy(() ->
                        pollAs("gateway-service", "gateway.registration.replies.probe", Topics.VERIFICATION_CODES))
                .isInstanceOf(TopicAuthorizationException.class);
        assertThatThrownBy(() -> pollAs("gateway-service", "verification-service", "gateway.registration.replies"))
                .isInstanceOf(GroupAuthorizationException.class);
        Map<String, Object> telegram = client("telegram-service");
        telegram.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(telegram, new StringSerializer(), new StringSerializer())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(Topics.VERIFICATION_CODES, "1", "{}"))
                            .get())
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    @Order(5)
    void aServiceRestoresTheRetentionOfItsTopicsThatAlreadyExist() {
        kafkaConfigs("--alter", "--add-config", "retention.ms=604800000");
        assertThat(kafkaConfigs("--describe")).contains("retention.ms=604800000");

        compose.run("restart", "verification-service");
        DockerCompose.Result up = upAsScaled();

        assertThat(up.succeeded()).as(up.output()).isTrue();
        assertThat(kafkaConfigs("--describe")).contains("retention.ms=3600000");
    }

    @Test
    @Order(6)
    void downWithVolumesLeavesNothingBehind() {
        userEvents.close();
        userEvents = null;

        DockerCompose.Result down = compose.run("down", "--volumes", "--remove-orphans");

        assertThat(down.succeeded()).as(down.output()).isTrue();
        assertThat(compose.leftovers()).isEmpty();
    }

    /** What a principal may do with a topic: R, W, RW, or nothing when it may not even see it. */
    private static String access(KafkaFuture<TopicDescription> description) throws InterruptedException {
        try {
            Set<AclOperation> operations = description.get().authorizedOperations();
            return (operations.contains(AclOperation.READ) ? "R" : "")
                    + (operations.contains(AclOperation.WRITE) ? "W" : "");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(TopicAuthorizationException.class);
            return "";
        }
    }

    /** kafka-configs.sh on verification.codes, inside the broker's container, as its loopback super user. */
    private String kafkaConfigs(String... arguments) {
        List<String> command = new ArrayList<>(List.of(
                "/opt/kafka/bin/kafka-configs.sh",
                "--bootstrap-server",
                "127.0.0.1:9091",
                "--entity-type",
                "topics",
                "--entity-name",
                Topics.VERIFICATION_CODES));
        command.addAll(List.of(arguments));
        DockerCompose.Result result = compose.exec("kafka", 1, command.toArray(String[]::new));
        assertThat(result.succeeded()).as(result.output()).isTrue();
        return result.output();
    }

    private void pollAs(String principal, String group, String topic) {
        Map<String, Object> client = client(principal);
        client.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(client, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            consumer.poll(Duration.ofSeconds(15));
        }
    }

    /** A Kafka client on the host listener, as {@code principal}. */
    private Map<String, Object> client(String principal) {
        Map<String, Object> client = new HashMap<>();
        client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + environment.get("LMS_KAFKA_PORT"));
        client.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        client.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512");
        client.put(
                SaslConfigs.SASL_JAAS_CONFIG,
                "org.apache.kafka.common.security.scram.ScramLoginModule required" + " username=\"" + principal
                        + "\" password=\"" + environment.get(PASSWORDS.get(principal)) + "\";");
        return client;
    }

    /** A bash command that GETs {@code path} from a container's own port, for the images have no curl. */
    private static String get(int port, String path) {
        return "exec 3<>/dev/tcp/127.0.0.1/" + port + " && printf 'GET " + path
                + " HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3";
    }

    private void chat(String path, String fields) throws Exception {
        String body =
                "{\"user_id\":\"" + PERSON + "\",\"first_name\":\"Compose\",\"language_code\":\"en\"," + fields + "}";
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(sandboxUrl(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    /** The first message the bot sent the person after {@code afterId} that matches, read as the web chat does. */
    private JsonNode awaitBotMessage(int afterId, Predicate<JsonNode> matching) {
        return await().atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> {
                            HttpResponse<String> response = http.send(
                                    HttpRequest.newBuilder(
                                                    sandboxUrl("/api/messages?user_id=" + PERSON + "&after=" + afterId))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
                            for (JsonNode message :
                                    json.readTree(response.body()).get("messages")) {
                                if (matching.test(message)) {
                                    return message;
                                }
                            }
                            return null;
                        },
                        message -> message != null);
    }

    private HttpResponse<String> gateway(String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + environment.get("LMS_GATEWAY_PORT") + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI sandboxUrl(String path) {
        return URI.create("http://127.0.0.1:" + environment.get("LMS_SANDBOX_PORT") + path);
    }

    private static String codeIn(JsonNode message) {
        Matcher matcher = CODE.matcher(message.get("text").asString());
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }

    private String logs() {
        return compose.run(Duration.ofSeconds(60), "logs", "--no-color", "--tail", "40")
                .output();
    }

    private static String secret() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return String.valueOf(socket.getLocalPort());
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    /**
     * {@code up --wait} with the scale these tests run: two verification-service instances, two sandbox bots, and
     * no real bot, which has no token here and would only start and idle on a machine that may be busy.
     */
    private DockerCompose.Result upAsScaled() {
        return compose.upAndWait(
                Duration.ofMinutes(20),
                "--scale",
                "verification-service=2",
                "--scale",
                "sandbox-bot=2",
                "--scale",
                "telegram-service=0");
    }
}
