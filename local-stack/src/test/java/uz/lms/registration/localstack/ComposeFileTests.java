package uz.lms.registration.localstack;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * compose.yaml cannot run here (no Docker engine), so it is held to the contract by reading it: images,
 * ports, settings and health checks; and, where Debian's docker-compose is installed, by its own parser.
 */
class ComposeFileTests {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Map<String, Integer> CONTRACT_PORTS = Map.of(
            "gateway-service", 8080, "verification-service", 8081, "telegram-service", 8082);

    private final Map<String, Object> services = section(read(), "services");

    @Test
    void runsKraftKafkaPostgres18AndAKafkaUi() {
        assertThat(service("kafka").get("image")).asString().startsWith("apache/kafka:4.");
        assertThat(environment("kafka").get("KAFKA_PROCESS_ROLES")).isEqualTo("broker,controller");
        assertThat(environment("kafka").get("KAFKA_ADVERTISED_LISTENERS")).asString().contains("INTERNAL://kafka:9092");
        assertThat(service("postgres").get("image")).isEqualTo("postgres:18");
        assertThat(service("kafka-ui").get("image")).asString().contains("kafka-ui");
        assertThat(environment("kafka-ui").get("KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS")).isEqualTo("kafka:9092");
    }

    @Test
    void eachServiceIsBuiltFromTheSharedDockerfileAndServesOnItsContractPort() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        assertThat(dockerfile).contains("-pl \"${SERVICE}\" -am", "\"${SERVICE}\"/target/\"${SERVICE}\"-*-exec.jar");
        for (Map.Entry<String, Integer> expected : CONTRACT_PORTS.entrySet()) {
            String name = expected.getKey();
            Map<String, Object> build = section(service(name), "build");
            assertThat(build.get("context")).isEqualTo(".");
            assertThat(build).doesNotContainKey("dockerfile");
            assertThat(section(build, "args").get("SERVICE")).isEqualTo(name);
            assertThat(environment(name).get("SERVER_PORT")).isEqualTo(expected.getValue());
        }
        assertThat(list(service("gateway-service"), "ports")).containsExactly("8080:8080");
        // Actuator only, and unpublished so that they can be scaled: reachable inside the network.
        assertThat(list(service("verification-service"), "expose")).containsExactly("8081");
        assertThat(list(service("telegram-service"), "expose")).containsExactly("8082");
        assertThat(service("verification-service")).doesNotContainKey("ports");
        assertThat(service("telegram-service")).doesNotContainKey("ports");
    }

    @Test
    void everyServiceReachesKafkaAndOnlyVerificationServiceThePostgresDatabase() {
        for (String name : CONTRACT_PORTS.keySet()) {
            assertThat(environment(name).get("SPRING_KAFKA_BOOTSTRAP_SERVERS")).as(name).isEqualTo("kafka:9092");
            assertThat(section(service(name), "depends_on")).as(name).containsKey("kafka");
        }
        Map<String, Object> postgres = environment("postgres");
        Map<String, Object> verification = environment("verification-service");
        assertThat(verification.get("SPRING_DATASOURCE_URL"))
                .isEqualTo("jdbc:postgresql://postgres:5432/" + postgres.get("POSTGRES_DB"));
        assertThat(verification.get("SPRING_DATASOURCE_USERNAME")).isEqualTo(postgres.get("POSTGRES_USER"));
        assertThat(verification.get("SPRING_DATASOURCE_PASSWORD")).isEqualTo(postgres.get("POSTGRES_PASSWORD"));
        assertThat(environment("gateway-service")).doesNotContainKey("SPRING_DATASOURCE_URL");
        assertThat(environment("telegram-service")).doesNotContainKey("SPRING_DATASOURCE_URL");
    }

    @Test
    void everySettingOfTheContractPassesThroughToTheServiceThatReadsItWithTheContractDefault() {
        assertThat(environment("verification-service")).contains(
                Map.entry("VERIFICATION_CODE_TTL", "${VERIFICATION_CODE_TTL:-60s}"),
                Map.entry("VERIFICATION_MAX_ATTEMPTS", "${VERIFICATION_MAX_ATTEMPTS:-5}"),
                Map.entry("VERIFICATION_RESEND_COOLDOWN", "${VERIFICATION_RESEND_COOLDOWN:-30s}"),
                Map.entry("VERIFICATION_MAX_CODES_PER_WINDOW", "${VERIFICATION_MAX_CODES_PER_WINDOW:-5}"),
                Map.entry("VERIFICATION_CODES_WINDOW", "${VERIFICATION_CODES_WINDOW:-10m}"));
        assertThat(environment("gateway-service")).contains(
                Map.entry("GATEWAY_REPLY_TIMEOUT", "${GATEWAY_REPLY_TIMEOUT:-5s}"),
                Map.entry("GATEWAY_API_KEY", "${GATEWAY_API_KEY:-}"));
        assertThat(environment("telegram-service")).contains(
                Map.entry("TELEGRAM_BOT_TOKEN", "${TELEGRAM_BOT_TOKEN:-}"),
                Map.entry("TELEGRAM_API_URL", "${TELEGRAM_API_URL:-https://api.telegram.org}"));
    }

    @Test
    void productionSecretsHaveNoDefaultAndTheKafkaUiIsReadOnlyOnLocalhost() {
        assertThat(environment("verification-service").get("VERIFICATION_CODE_SECRET")).asString()
                .startsWith("${VERIFICATION_CODE_SECRET:?");
        assertThat(environment("verification-service").get("SPRING_PROFILES_ACTIVE")).isEqualTo("prod");
        Map<String, Object> ui = environment("kafka-ui");
        assertThat(ui.get("KAFKA_CLUSTERS_0_READONLY")).isEqualTo("true");
        assertThat(list(service("kafka-ui"), "ports")).singleElement().asString().startsWith("127.0.0.1:");
    }

    @Test
    void theKafkaUiMasksCodesPhoneNumbersAndTypedTextOnEveryTopicDeadLettersIncluded() {
        Map<String, Object> ui = environment("kafka-ui");
        assertThat(ui.get("KAFKA_CLUSTERS_0_MASKING_0_TYPE")).isEqualTo("MASK");
        assertThat(ui.entrySet().stream().filter(setting -> setting.getKey().startsWith("KAFKA_CLUSTERS_0_MASKING_0_FIELDS_"))
                .map(Map.Entry::getValue))
                .containsExactlyInAnyOrder("code", "verification_code", "phone_number", "text");
        // kafbat matches the whole topic name against the pattern.
        Pattern topics = Pattern.compile((String) ui.get("KAFKA_CLUSTERS_0_MASKING_0_TOPICVALUESPATTERN"));
        assertThat(List.of("verification.codes", "verification.codes-dlt", "verification.requests",
                "verification.requests-dlt", "registration.requests-dlt", "telegram.updates", "telegram.updates-dlt",
                "user.events", "telegram.verification.replies"))
                .allMatch(topic -> topics.matcher(topic).matches());
    }

    @Test
    void servicesStartOnlyOnHealthyInfrastructureAndReportTheirOwnReadiness() {
        for (String name : List.of("kafka", "postgres")) {
            assertThat(section(service(name), "healthcheck")).as(name).containsKey("test");
        }
        for (String name : CONTRACT_PORTS.keySet()) {
            assertThat(section(service(name), "healthcheck").get("test")).as(name).asString()
                    .contains("/actuator/health/readiness");
            assertThat(section(section(service(name), "depends_on"), "kafka")).containsEntry("condition", "service_healthy");
        }
        assertThat(section(section(service("verification-service"), "depends_on"), "postgres"))
                .containsEntry("condition", "service_healthy");
    }

    @Test
    void dockerComposeAcceptsTheFileAndRefusesToRunWithoutACodeSecret() throws Exception {
        assumeTrue(onPath("docker-compose"), "docker-compose is not installed: only the parsed checks ran"
                + " (apt-get install docker-compose)");

        Process withSecret = dockerComposeConfig(Map.of("VERIFICATION_CODE_SECRET", "a-test-secret"));
        Process withoutSecret = dockerComposeConfig(Map.of());

        assertThat(withSecret.exitValue()).as(new String(withSecret.getInputStream().readAllBytes())).isZero();
        assertThat(withoutSecret.exitValue()).isNotZero();
        assertThat(new String(withoutSecret.getInputStream().readAllBytes())).contains("VERIFICATION_CODE_SECRET");
    }

    private static Process dockerComposeConfig(Map<String, String> variables) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("docker-compose", "-f", "compose.yaml", "config", "-q")
                .directory(ROOT.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("VERIFICATION_"));
        builder.environment().putAll(variables);
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return process;
    }

    private static boolean onPath(String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }

    private Map<String, Object> service(String name) {
        return section(services, name);
    }

    private Map<String, Object> environment(String service) {
        return section(service(service), "environment");
    }

    private static Map<String, Object> read() {
        try (Reader reader = Files.newBufferedReader(ROOT.resolve("compose.yaml"))) {
            return new Yaml().load(reader);
        } catch (IOException e) {
            throw new IllegalStateException("compose.yaml is missing from " + ROOT, e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> parent, String key) {
        assertThat(parent).as("has %s", key).containsKey(key);
        return (Map<String, Object>) parent.get(key);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Map<String, Object> parent, String key) {
        assertThat(parent).as("has %s", key).containsKey(key);
        return (List<Object>) parent.get(key);
    }
}
