package uz.lms.registration.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static uz.lms.registration.localstack.ComposeStack.PATIENCE;
import static uz.lms.registration.localstack.ComposeStack.codeIn;
import static uz.lms.registration.localstack.ComposeStack.get;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
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
import uz.lms.registration.contracts.Topics;

/**
 * compose.yaml as a user starts it ({@link ComposeStack}): a person registers in the sandbox's web chat and
 * verifies through {@code POST /verify}; {@code UserVerified} arrives on {@code user.events}; one bot instance
 * polls; each service's Kafka principal, over TLS, may use only its rows of the contract's topic table; the
 * gateway's published port serves no actuator; verification-service's database role owns nothing; no container
 * holds a secret in its environment; a restarted service puts the retention of its topics back; the sandbox never
 * runs beside a real bot, nor a real bot on a sandbox's data; {@code down -v} leaves nothing behind. Tagged {@code docker}: it
 * runs where Docker runs; where Docker's engine does not answer it skips, saying why, and under {@code CI=true}
 * fails.
 */
@Tag("docker")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ComposeEndToEndTests {

    private static final long PERSON = 920_000_001L;

    /** The bot's own command topics: only it may write them (the contract's topic table). */
    private static final List<String> BOT_COMMANDS = List.of("chat.registrations", "chat.verifications");

    private ComposeStack stack;

    @BeforeAll
    void buildAndStartTheStack() {
        stack = ComposeStack.start();
    }

    @AfterAll
    void stopTheStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void aPersonStartsTheBotSharesTheirContactAndVerifiesTheCodeThroughTheGateway() throws Exception {
        stack.chat(PERSON, "/api/messages", "\"text\":\"/start\"");
        JsonNode greeting = stack.awaitBotMessage(
                PERSON, 0, message -> message.path("reply_markup").has("keyboard"));

        stack.chat(PERSON, "/api/contact", "\"phone_number\":\"+998 90 222 33 44\"");
        JsonNode code = stack.awaitCode(PERSON, greeting.get("message_id").asInt());
        HttpResponse<String> verified = stack.gateway(
                "/verify", "{\"telegram_id\":" + PERSON + ",\"verification_code\":\"" + codeIn(code) + "\"}");

        assertThat(verified.statusCode()).as(verified.body()).isEqualTo(200);
        JsonNode event = await().atMost(PATIENCE)
                .until(
                        () -> stack.userEvents(PERSON).stream()
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
                .allSatisfy(index -> assertThat(stack.compose()
                                .exec(
                                        "verification-service",
                                        index,
                                        "bash",
                                        "-c",
                                        get(8081, "/actuator/health/readiness"))
                                .output())
                        .contains("\"UP\""));
        List<Integer> polling = List.of(1, 2).stream()
                .map(index -> stack.compose()
                        .exec("sandbox-bot", index, "bash", "-c", get(8082, "/actuator/prometheus"))
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
        // The bot's own command topics and their dead letters, as deploy/kafka-init.sh grants them, whether a service
        // made them yet or not.
        stack.ensureTopics(List.of(
                "chat.registrations", "chat.verifications", "chat.registrations-dlt", "chat.verifications-dlt"));
        Map<String, String> bot = rights("""
                chat.registrations W
                chat.verifications W
                verification.codes R
                code.deliveries W
                telegram.updates RW
                telegram.updates-dlt W
                verification.codes-dlt W
                telegram.registration.replies R
                telegram.verification.replies R""");
        // The contract's topic table, plus each service's own reply topics and dead letters; nothing else.
        Map<String, Map<String, String>> expected = Map.of(
                "verification-service",
                rights("""
                        registration.requests R
                        verification.requests R
                        chat.registrations R
                        chat.verifications R
                        verification.codes W
                        user.events W
                        gateway.registration.replies W
                        gateway.verification.replies W
                        telegram.registration.replies W
                        telegram.verification.replies W
                        registration.requests-dlt W
                        verification.requests-dlt W
                        chat.registrations-dlt W
                        chat.verifications-dlt W"""),
                "gateway-service",
                rights("""
                        registration.requests W
                        verification.requests W
                        gateway.registration.replies R
                        gateway.verification.replies R"""),
                "telegram-service",
                bot,
                "sandbox-bot",
                bot,
                "operator",
                rights("""
                        user.events R
                        code.deliveries R"""));
        List<String> topics = List.of(
                "chat.registrations",
                "chat.verifications",
                "registration.requests",
                "verification.requests",
                "verification.codes",
                "user.events",
                "code.deliveries",
                "gateway.registration.replies",
                "gateway.verification.replies",
                "telegram.registration.replies",
                "telegram.verification.replies",
                "telegram.updates",
                "registration.requests-dlt",
                "verification.requests-dlt",
                "chat.registrations-dlt",
                "chat.verifications-dlt",
                "verification.codes-dlt",
                "telegram.updates-dlt");

        for (Map.Entry<String, Map<String, String>> principal : expected.entrySet()) {
            assertThat(stack.access(principal.getKey(), topics))
                    .as(principal.getKey())
                    .isEqualTo(principal.getValue());
        }
    }

    @Test
    @Order(4)
    void theGatewayCannotReadCodesNorWriteTheBotsCommandsNorJoinAnothersGroupAndTheBotCannotWriteCodes() {
        assertThatThrownBy(() -> stack.pollAs(
                        "gateway-service", "gateway.registration.replies.probe", Topics.VERIFICATION_CODES))
                .isInstanceOf(TopicAuthorizationException.class);
        assertThatThrownBy(
                        () -> stack.pollAs("gateway-service", "verification-service", "gateway.registration.replies"))
                .isInstanceOf(GroupAuthorizationException.class);
        try (KafkaProducer<String, String> gateway = producer("gateway-service")) {
            // A stolen gateway credential cannot attest a number nor spend the chat's budget.
            for (String topic : BOT_COMMANDS) {
                assertThatThrownBy(() -> gateway.send(new ProducerRecord<>(topic, "1", "{}"))
                                .get())
                        .as(topic)
                        .hasCauseInstanceOf(TopicAuthorizationException.class);
            }
        }
        try (KafkaProducer<String, String> telegram = producer("telegram-service")) {
            assertThatThrownBy(() -> telegram.send(new ProducerRecord<>(Topics.VERIFICATION_CODES, "1", "{}"))
                            .get())
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    @Order(5)
    void theGatewaysPublishedPortServesTheApiButNoActuatorWhichAnswersOnlyInsideTheNetwork() throws Exception {
        assertThat(stack.gatewayGet("/actuator/prometheus").statusCode()).isEqualTo(404);
        assertThat(stack.gatewayGet("/actuator/health").statusCode()).isEqualTo(404);
        assertThat(stack.gatewayGet("/docs").statusCode()).isEqualTo(200);

        assertThat(stack.compose()
                        .exec("gateway-service", 1, "bash", "-c", get(9080, "/actuator/prometheus"))
                        .output())
                .contains("http_server_requests_seconds");
    }

    @Test
    @Order(6)
    void verificationServiceConnectsAsARoleThatMayOnlyReadAndChangeRows() {
        assertThat(stack.psql("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"))
                .isEqualTo("lms");
        assertThat(Integer.parseInt(stack.psql("SELECT count(*) FROM pg_stat_activity WHERE usename = 'lms_app'")))
                .isPositive();
        assertThat(stack.psql("SET ROLE lms_app; SELECT count(*) FROM users")).matches("(?s).*\\d+.*");
        assertThat(stack.psql("SET ROLE lms_app; DROP TABLE users")).contains("must be owner of table users");
        assertThat(stack.psql("SET ROLE lms_app; CREATE TABLE taken (id int)"))
                .contains("permission denied for schema public");
        assertThat(stack.psql("SET ROLE lms_app; ALTER TABLE users ADD COLUMN taken int"))
                .contains("must be owner of table users");
    }

    @Test
    @Order(7)
    void noContainerHoldsASecretInItsEnvironment() {
        String environments = stack.compose().containersEnvironments();

        assertThat(environments).contains("_FILE=/run/secrets/");
        stack.secrets().values().stream()
                .filter(secret -> !secret.isEmpty())
                .forEach(secret -> assertThat(environments).doesNotContain(secret));
    }

    @Test
    @Order(8)
    void aServiceRestoresTheRetentionOfItsTopicsThatAlreadyExist() {
        stack.kafkaConfigs("--alter", "--add-config", "retention.ms=604800000");
        assertThat(stack.kafkaConfigs("--describe")).contains("retention.ms=604800000");

        // One instance is enough to restore them, and two restarting together take twice as long on a small machine.
        assertThat(stack.compose().restartOne("verification-service").succeeded())
                .isTrue();
        DockerCompose.Result up = stack.upAsScaled();

        assertThat(up.succeeded()).as(up.output()).isTrue();
        assertThat(stack.kafkaConfigs("--describe")).contains("retention.ms=3600000");
    }

    @Test
    @Order(9)
    void theSandboxRefusesToRunBesideARealBotAndARealBotRefusesToStartOnASandboxsData() throws Exception {
        stack.writeSecret("telegram-bot-token", "123456:a-real-bot");
        try {
            DockerCompose.Result sandbox = stack.compose().run("run", "--rm", "--no-deps", "sandbox-init");
            DockerCompose.Result init = stack.compose().run("run", "--rm", "--no-deps", "kafka-init");

            assertThat(sandbox.succeeded()).as(sandbox.output()).isFalse();
            assertThat(sandbox.output()).contains("the sandbox refuses to run beside a real bot");
            assertThat(init.succeeded()).as(init.output()).isFalse();
            assertThat(init.output()).contains("a real bot refuses to start where a sandbox ran");
        } finally {
            stack.writeSecret("telegram-bot-token", "");
        }
    }

    @Test
    @Order(10)
    void downWithVolumesLeavesNothingBehind() {
        DockerCompose.Result down = stack.down();

        assertThat(down.succeeded()).as(down.output()).isTrue();
        assertThat(stack.compose().leftovers()).isEmpty();
    }

    /** A table of lines "topic rights" (R, W or RW) as a map. */
    private static Map<String, String> rights(String table) {
        return table.lines()
                .map(line -> line.strip().split(" "))
                .collect(Collectors.toMap(row -> row[0], row -> row[1]));
    }

    private KafkaProducer<String, String> producer(String principal) {
        Map<String, Object> client = stack.client(principal);
        client.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        return new KafkaProducer<>(client, new StringSerializer(), new StringSerializer());
    }
}
