package uz.lms.registration.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import uz.lms.registration.contracts.Topics;

/**
 * compose.yaml's broker ({@link ComposeStack}) confines each service's Kafka principal to its rows of the
 * contract's topic table: what is not its own it is refused. Tagged {@code docker}: it runs where Docker runs,
 * and skips, saying why, where Docker's engine does not answer.
 */
@Tag("docker")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ComposeKafkaAccessEndToEndTests {

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
            try (Admin admin = Admin.create(stack.client(principal.getKey()))) {
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
    void theGatewayCannotReadCodesNorJoinAnothersGroupAndTheBotCannotWriteCodes() {
        assertThatThrownBy(() -> stack.pollAs(
                        "gateway-service", "gateway.registration.replies.probe", Topics.VERIFICATION_CODES))
                .isInstanceOf(TopicAuthorizationException.class);
        assertThatThrownBy(
                        () -> stack.pollAs("gateway-service", "verification-service", "gateway.registration.replies"))
                .isInstanceOf(GroupAuthorizationException.class);
        Map<String, Object> telegram = stack.client("telegram-service");
        telegram.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(telegram, new StringSerializer(), new StringSerializer())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(Topics.VERIFICATION_CODES, "1", "{}"))
                            .get())
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
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
}
