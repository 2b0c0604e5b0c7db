package uz.lms.registration.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.testsupport.Prerequisite;
import uz.lms.registration.testsupport.SystemProcess;
import uz.lms.registration.testsupport.TopicRecorder;

/**
 * compose.yaml started as a user does: the services' images built by the project's Dockerfile, then
 * {@code docker compose --profile sandbox up --wait} with two instances each of verification-service and of the
 * sandbox's bot, on free ports and with passwords of its own; and what a test does with it: chat in the sandbox's
 * web chat, call the gateway, act on Kafka as one of its principals, run a command in a container. Where Docker's
 * engine does not answer, starting it skips the test, saying why (under {@code CI=true}, fails it). Build and
 * start times are printed to the test's output. Closing it takes the stack down, volumes included.
 */
final class ComposeStack implements AutoCloseable {

    static final Duration PATIENCE = Duration.ofSeconds(90);

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    /** A project of its own, so that runs sharing a Docker engine never stop each other's stack. */
    private static final String PROJECT =
            "lms-registration-e2e-" + ProcessHandle.current().pid();

    private static final Pattern CODE = Pattern.compile("<code>(\\d{6})</code>");
    /** Each Kafka principal's password: its secret file. */
    private static final Map<String, String> PASSWORDS = Map.of(
            "verification-service",
            "kafka-verification-password",
            "gateway-service",
            "kafka-gateway-password",
            "telegram-service",
            "kafka-telegram-password",
            "operator",
            "kafka-operator-password",
            "sandbox-bot",
            "kafka-sandbox-bot-password");
    /** Without an API key and without a bot token: empty files. */
    private static final List<String> EMPTY_SECRETS = List.of("gateway-api-key", "telegram-bot-token");

    private final JsonMapper json = JsonMapper.builder().build();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, String> environment = new HashMap<>();
    private final Map<String, String> secrets = new HashMap<>();
    private final Path secretsDirectory;
    private final DockerCompose compose;
    private TopicRecorder userEvents;
    private String kafkaCa;

    private ComposeStack() {
        environment.putAll(Map.of(
                "LMS_GATEWAY_PORT",
                String.valueOf(SystemProcess.freePort()),
                "LMS_SANDBOX_PORT",
                String.valueOf(SystemProcess.freePort()),
                "LMS_KAFKA_PORT",
                String.valueOf(SystemProcess.freePort()),
                "GATEWAY_REPLY_TIMEOUT",
                "20s",
                "TELEGRAM_REPLY_TIMEOUT",
                "20s"));
        // As `docker compose --profile sandbox ...`, for every command.
        environment.put("COMPOSE_PROFILES", "sandbox");
        DockerCompose.Availability availability = DockerCompose.find(ROOT, PROJECT, environment);
        Prerequisite.require(
                availability.compose() != null, "compose.yaml cannot be started here: " + availability.whyNot());
        compose = availability.compose();
        secretsDirectory = writeSecrets();
        environment.put("LMS_SECRETS_DIR", secretsDirectory.toString());
        try {
            DockerCompose.Result build = compose.run("build");
            assertThat(build.succeeded()).as(build.output()).isTrue();
            DockerCompose.Result up = upAsScaled();
            System.out.printf(
                    "%s: images built in %d s, stack up and healthy in %d s%n",
                    compose.version(), build.took().toSeconds(), up.took().toSeconds());
            assertThat(up.succeeded()).as("%s%n%s", up.output(), logs()).isTrue();
            DockerCompose.Result ca = compose.exec("gateway-service", 1, "cat", "/etc/kafka-tls/ca.crt");
            assertThat(ca.output()).as(ca.output()).contains("BEGIN CERTIFICATE");
            kafkaCa = ca.output().strip();
            userEvents = TopicRecorder.start(client("operator"), Topics.USER_EVENTS);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** Builds the images and starts the stack; skips the test (fails it under CI) where Docker's engine does not answer. */
    static ComposeStack start() {
        return new ComposeStack();
    }

    DockerCompose compose() {
        return compose;
    }

    /**
     * {@code up --wait} with the scale these tests run: two verification-service instances, two sandbox bots, and
     * no real bot, which has no token here and would only start and idle on a machine that may be busy.
     */
    DockerCompose.Result upAsScaled() {
        return compose.upAndWait(
                Duration.ofMinutes(20),
                "--scale",
                "verification-service=2",
                "--scale",
                "sandbox-bot=2",
                "--scale",
                "telegram-service=0");
    }

    /** {@code down --volumes}, once nothing reads the stack's topics any more. */
    DockerCompose.Result down() {
        if (userEvents != null) {
            userEvents.close();
            userEvents = null;
        }
        return compose.run("down", "--volumes", "--remove-orphans");
    }

    /** The {@code user.events} records about this user so far. */
    List<JsonNode> userEvents(long telegramId) {
        return userEvents.values(JsonNode.class, telegramId);
    }

    /**
     * A Kafka client on the host listener, as {@code principal}, over TLS: it trusts the CA that the stack made at
     * its start, and checks that the broker's certificate names localhost.
     */
    Map<String, Object> client(String principal) {
        Map<String, Object> client = new HashMap<>();
        client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + environment.get("LMS_KAFKA_PORT"));
        client.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        client.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        client.put(SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG, kafkaCa);
        client.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512");
        client.put(
                SaslConfigs.SASL_JAAS_CONFIG,
                "org.apache.kafka.common.security.scram.ScramLoginModule required" + " username=\"" + principal
                        + "\" password=\"" + secrets.get(PASSWORDS.get(principal)) + "\";");
        return client;
    }

    /** Creates these topics as verification-service, which may, where no service has created them yet. */
    void ensureTopics(List<String> topics) throws InterruptedException {
        try (Admin admin = Admin.create(client("verification-service"))) {
            for (String topic : topics) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
                            .all()
                            .get();
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(TopicExistsException.class);
                }
            }
        }
    }

    /** Every secret's content, by its file's name. */
    Map<String, String> secrets() {
        return Map.copyOf(secrets);
    }

    /** Replaces a secret's file, as an operator would; containers see it at once (their mounts are the file). */
    void writeSecret(String name, String content) throws IOException {
        Files.writeString(secretsDirectory.resolve(name), content);
        secrets.put(name, content);
    }

    /** {@code psql} as the database's owner, inside the PostgreSQL container: what it printed, errors included. */
    String psql(String sql) {
        return compose.exec("postgres", 1, "psql", "-U", "lms", "-d", "lms", "-tA", "-c", sql)
                .output()
                .strip();
    }

    /** Joins {@code group} as {@code principal} and polls {@code topic} once. */
    void pollAs(String principal, String group, String topic) {
        Map<String, Object> client = client(principal);
        client.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(client, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            consumer.poll(Duration.ofSeconds(15));
        }
    }

    /** What {@code principal} may do with each of {@code topics}: R, W or RW; a topic it may not even see is left out. */
    Map<String, String> access(String principal, List<String> topics) throws InterruptedException {
        Map<String, String> access = new HashMap<>();
        try (Admin admin = Admin.create(client(principal))) {
            Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(
                            topics, new DescribeTopicsOptions().includeAuthorizedOperations(true))
                    .topicNameValues();
            for (String topic : topics) {
                try {
                    Set<AclOperation> operations = described.get(topic).get().authorizedOperations();
                    access.put(
                            topic,
                            (operations.contains(AclOperation.READ) ? "R" : "")
                                    + (operations.contains(AclOperation.WRITE) ? "W" : ""));
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(TopicAuthorizationException.class);
                }
            }
        }
        access.values().removeIf(String::isEmpty);
        return access;
    }

    /** kafka-configs.sh on verification.codes, inside the broker's container, as its loopback super user. */
    String kafkaConfigs(String... arguments) {
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

    /** A bash command that GETs {@code path} from a container's own port, for the images have no curl. */
    static String get(int port, String path) {
        return "exec 3<>/dev/tcp/127.0.0.1/" + port + " && printf 'GET " + path
                + " HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3";
    }

    /** Sends what a user does in the web chat: {@code fields} are the request's besides the user's own. */
    void chat(long userId, String path, String fields) throws Exception {
        String body =
                "{\"user_id\":\"" + userId + "\",\"first_name\":\"Compose\",\"language_code\":\"en\"," + fields + "}";
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(sandboxUrl(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    /** The first message the bot sent this user after {@code afterId} that matches, read as the web chat does. */
    JsonNode awaitBotMessage(long userId, int afterId, Predicate<JsonNode> matching) {
        return await().atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> {
                            HttpResponse<String> response = http.send(
                                    HttpRequest.newBuilder(
                                                    sandboxUrl("/api/messages?user_id=" + userId + "&after=" + afterId))
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

    /** The first message with a code the bot sent this user after {@code afterId}. */
    JsonNode awaitCode(long userId, int afterId) {
        return awaitBotMessage(
                userId,
                afterId,
                message -> CODE.matcher(message.get("text").asString()).find());
    }

    /** POSTs {@code body} to the gateway's published port. */
    HttpResponse<String> gateway(String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(gatewayUrl(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** GETs {@code path} from the gateway's published port. */
    HttpResponse<String> gatewayGet(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(gatewayUrl(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String codeIn(JsonNode message) {
        Matcher matcher = CODE.matcher(message.get("text").asString());
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }

    /** Takes the stack down, if a test has not, and deletes its secrets. */
    @Override
    public void close() {
        try {
            if (!compose.leftovers().isEmpty()) {
                down();
            } else if (userEvents != null) {
                userEvents.close();
            }
        } finally {
            try (Stream<Path> files = Files.list(secretsDirectory)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
                Files.delete(secretsDirectory);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private URI gatewayUrl(String path) {
        return URI.create("http://127.0.0.1:" + environment.get("LMS_GATEWAY_PORT") + path);
    }

    private URI sandboxUrl(String path) {
        return URI.create("http://127.0.0.1:" + environment.get("LMS_SANDBOX_PORT") + path);
    }

    private String logs() {
        return compose.run(Duration.ofSeconds(60), "logs", "--no-color", "--tail", "40")
                .output();
    }

    /**
     * The stack's secrets, as docs/operations.md has an operator make them: a folder only its owner opens, files
     * everyone may read, for compose mounts each file as it is and the containers run as other users.
     */
    private Path writeSecrets() {
        try {
            Path directory = Files.createTempDirectory(
                    "compose-secrets",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            PASSWORDS.values().forEach(name -> secrets.put(name, secret()));
            secrets.put("verification-code-secret", secret());
            secrets.put("postgres-password", secret());
            secrets.put("postgres-app-password", secret());
            EMPTY_SECRETS.forEach(name -> secrets.put(name, ""));
            for (Map.Entry<String, String> secret : secrets.entrySet()) {
                Path file = Files.writeString(directory.resolve(secret.getKey()), secret.getValue());
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            }
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String secret() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
