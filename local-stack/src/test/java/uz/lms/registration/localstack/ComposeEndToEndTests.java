package uz.lms.registration.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static uz.lms.registration.localstack.ComposeStack.PATIENCE;
import static uz.lms.registration.localstack.ComposeStack.codeIn;
import static uz.lms.registration.localstack.ComposeStack.get;

import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * compose.yaml as a user starts it ({@link ComposeStack}): a person registers in the sandbox's web chat and
 * verifies through {@code POST /verify}; {@code UserVerified} arrives on {@code user.events}; one bot instance
 * polls; a restarted service puts the retention of its topics back; {@code down -v} leaves nothing behind.
 * Tagged {@code docker}: it runs where Docker runs, and skips, saying why, where Docker's engine does not answer.
 */
@Tag("docker")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ComposeEndToEndTests {

    private static final long PERSON = 920_000_001L;

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
    void aServiceRestoresTheRetentionOfItsTopicsThatAlreadyExist() {
        stack.kafkaConfigs("--alter", "--add-config", "retention.ms=604800000");
        assertThat(stack.kafkaConfigs("--describe")).contains("retention.ms=604800000");

        stack.compose().run("restart", "verification-service");
        DockerCompose.Result up = stack.upAsScaled();

        assertThat(up.succeeded()).as(up.output()).isTrue();
        assertThat(stack.kafkaConfigs("--describe")).contains("retention.ms=3600000");
    }

    @Test
    @Order(4)
    void downWithVolumesLeavesNothingBehind() {
        DockerCompose.Result down = stack.down();

        assertThat(down.succeeded()).as(down.output()).isTrue();
        assertThat(stack.compose().leftovers()).isEmpty();
    }
}
