package uz.lms.registration.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * compose.yaml held to the contract by reading it: images, ports, settings, secrets and health checks;
 * and, where Debian's docker-compose is installed, by its own parser. {@link ComposeFlowTests} starts it.
 */
class ComposeFileTests {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Map<String, Integer> CONTRACT_PORTS =
            Map.of("gateway-service", 8080, "verification-service", 8081, "telegram-service", 8082);
    private static final Map<String, String> KAFKA_USERS = Map.of(
            "gateway-service",
            "KAFKA_GATEWAY_PASSWORD",
            "verification-service",
            "KAFKA_VERIFICATION_PASSWORD",
            "telegram-service",
            "KAFKA_TELEGRAM_PASSWORD",
            "sandbox-bot",
            "KAFKA_TELEGRAM_PASSWORD");

    private final Map<String, Object> services = section(read(), "services");

    @Test
    void runsKraftKafkaWithAnAuthorizerAndPostgres18() {
        assertThat(service("kafka").get("image")).asString().startsWith("apache/kafka:4.");
        Map<String, Object> kafka = environment("kafka");
        assertThat(kafka.get("KAFKA_PROCESS_ROLES")).isEqualTo("broker,controller");
        assertThat(kafka.get("KAFKA_ADVERTISED_LISTENERS")).asString().contains("INTERNAL://kafka:9092");
        assertThat(kafka.get("KAFKA_AUTHORIZER_CLASS_NAME")).asString().endsWith("StandardAuthorizer");
        assertThat(kafka.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE")).isEqualTo("false");
        assertThat(kafka.get("KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND")).isEqualTo("false");
        // The unauthenticated super user exists only on listeners bound to the container's loopback address.
        assertThat(kafka.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"))
                .isEqualTo("INTERNAL:SASL_PLAINTEXT,HOST:SASL_PLAINTEXT,BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT");
        assertThat(kafka.get("KAFKA_LISTENERS"))
                .asString()
                .contains("BROKER://127.0.0.1:", "CONTROLLER://127.0.0.1:")
                .doesNotContain("PLAINTEXT://");
        assertThat(service("kafka-init").get("network_mode")).isEqualTo("service:kafka");
        assertThat(service("postgres").get("image")).isEqualTo("postgres:18");
    }

    @Test
    void aPlainUpStartsWhatCanBeHadAndTheSandboxAndTheUiAreProfiles() {
        assertThat(services)
                .allSatisfy((name, service) -> assertThat(((Map<?, ?>) service).get("profiles"))
                        .as(name)
                        .isIn(null, List.of("sandbox"), List.of("ui")));
        assertThat(service("kafka-ui").get("profiles")).isEqualTo(List.of("ui"));
        assertThat(service("kafka-ui").get("image")).asString().contains("kafka-ui");
        assertThat(service("telegram-sandbox").get("profiles")).isEqualTo(List.of("sandbox"));
        assertThat(service("sandbox-bot").get("profiles")).isEqualTo(List.of("sandbox"));
    }

    @Test
    void eachServiceIsBuiltFromTheSharedDockerfileAndServesOnItsContractPort() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        // The frontend built into BuildKit: a "# syntax" line would make the build ask a registry for one.
        assertThat(dockerfile)
                .doesNotContainPattern("(?m)^#\\s*syntax\\s*=")
                .contains("/src/${SERVICE}/target/${SERVICE}-*-exec.jar");
        for (String name : List.of(
                "gateway-service", "verification-service", "telegram-service", "sandbox-bot", "telegram-sandbox")) {
            Map<String, Object> build = section(service(name), "build");
            assertThat(build.get("context")).isEqualTo(".");
            assertThat(build).doesNotContainKey("dockerfile");
        }
        for (Map.Entry<String, Integer> expected : CONTRACT_PORTS.entrySet()) {
            String name = expected.getKey();
            assertThat(section(section(service(name), "build"), "args").get("SERVICE"))
                    .isEqualTo(name);
            assertThat(environment(name).get("SERVER_PORT")).isEqualTo(expected.getValue());
        }
        assertThat(section(section(service("sandbox-bot"), "build"), "args").get("SERVICE"))
                .isEqualTo("telegram-service");
        assertThat(list(service("gateway-service"), "ports")).containsExactly("${LMS_GATEWAY_PORT:-8080}:8080");
        // Actuator only, and unpublished so that they can be scaled: reachable inside the network.
        assertThat(list(service("verification-service"), "expose")).containsExactly("8081");
        assertThat(list(service("telegram-service"), "expose")).containsExactly("8082");
        assertThat(service("verification-service")).doesNotContainKey("ports");
        assertThat(service("telegram-service")).doesNotContainKey("ports");
        assertThat(service("sandbox-bot")).doesNotContainKey("ports");
        assertThat(list(service("telegram-sandbox"), "ports"))
                .singleElement()
                .asString()
                .startsWith("127.0.0.1:");
        assertThat(list(service("kafka"), "ports")).singleElement().asString().startsWith("127.0.0.1:");
    }

    @Test
    void eachImageStartsItsJvmWithTheSizesRunShGivesItAndJavaOptsOverThem() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        assertThat(dockerfile)
                .contains("COPY ${SERVICE}/jvm.options /app/jvm.options")
                .containsPattern("exec java [^\"]*@/app/jvm\\.options \\$JAVA_OPTS -jar /app/app\\.jar");
        for (String name : List.of("gateway-service", "verification-service", "telegram-service", "telegram-sandbox")) {
            String module =
                    (String) section(section(service(name), "build"), "args").get("SERVICE");
            assertThat(ROOT.resolve(module).resolve("jvm.options"))
                    .as(module)
                    .content()
                    .containsPattern("(?m)^-Xmx\\d+m$");
        }
    }

    @Test
    void everyServiceReachesKafkaAsItsOwnPrincipalAndOnlyVerificationServiceThePostgresDatabase() {
        for (Map.Entry<String, String> user : KAFKA_USERS.entrySet()) {
            Map<String, Object> environment = environment(user.getKey());
            String principal = user.getKey().equals("sandbox-bot") ? "telegram-service" : user.getKey();
            assertThat(environment.get("SPRING_KAFKA_BOOTSTRAP_SERVERS"))
                    .as(principal)
                    .isEqualTo("kafka:9092");
            assertThat(environment.get("SPRING_KAFKA_SECURITY_PROTOCOL")).isEqualTo("SASL_PLAINTEXT");
            assertThat(environment.get("SPRING_KAFKA_PROPERTIES_SASL_MECHANISM"))
                    .isEqualTo("SCRAM-SHA-512");
            assertThat(environment.get("SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG"))
                    .asString()
                    .contains("username=\"" + principal + "\"", "password=\"${" + user.getValue() + ":-}\"");
            assertThat(environment.get("SPRING_KAFKA_ADMIN_MODIFY_TOPIC_CONFIGS"))
                    .isEqualTo("true");
            assertThat(section(section(service(user.getKey()), "depends_on"), "kafka-init"))
                    .containsEntry("condition", "service_completed_successfully");
            assertThat(environment("kafka-init")).containsEntry(user.getValue(), "${" + user.getValue() + ":-}");
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
        assertThat(environment("verification-service"))
                .contains(
                        Map.entry("VERIFICATION_CODE_TTL", "${VERIFICATION_CODE_TTL:-60s}"),
                        Map.entry("VERIFICATION_MAX_ATTEMPTS", "${VERIFICATION_MAX_ATTEMPTS:-5}"),
                        Map.entry("VERIFICATION_RESEND_COOLDOWN", "${VERIFICATION_RESEND_COOLDOWN:-30s}"),
                        Map.entry("VERIFICATION_MAX_CODES_PER_WINDOW", "${VERIFICATION_MAX_CODES_PER_WINDOW:-5}"),
                        Map.entry("VERIFICATION_CODES_WINDOW", "${VERIFICATION_CODES_WINDOW:-10m}"));
        assertThat(environment("gateway-service"))
                .contains(
                        Map.entry("GATEWAY_REPLY_TIMEOUT", "${GATEWAY_REPLY_TIMEOUT:-5s}"),
                        Map.entry("GATEWAY_API_KEY", "${GATEWAY_API_KEY:-}"));
        assertThat(environment("telegram-service"))
                .contains(
                        Map.entry("TELEGRAM_BOT_TOKEN", "${TELEGRAM_BOT_TOKEN:-}"),
                        Map.entry("TELEGRAM_API_URL", "${TELEGRAM_API_URL:-https://api.telegram.org}"));
    }

    @Test
    void secretsComeOnlyFromTheEnvironmentAndProdGuardsTheRealServices() {
        assertThat(environment("verification-service").get("VERIFICATION_CODE_SECRET"))
                .isEqualTo("${VERIFICATION_CODE_SECRET:-}");
        assertThat(environment("postgres").get("POSTGRES_PASSWORD")).isEqualTo("${POSTGRES_PASSWORD:-}");
        for (String name : CONTRACT_PORTS.keySet()) {
            assertThat(environment(name).get("SPRING_PROFILES_ACTIVE")).as(name).isEqualTo("prod");
        }
        // The sandbox's bot speaks plain HTTP to the sandbox, which prod refuses; it is not the real bot.
        assertThat(environment("sandbox-bot"))
                .doesNotContainKey("SPRING_PROFILES_ACTIVE")
                .containsEntry("TELEGRAM_API_URL", "http://telegram-sandbox:8090");
        Map<String, Object> ui = environment("kafka-ui");
        assertThat(ui.get("KAFKA_CLUSTERS_0_READONLY")).isEqualTo("true");
        assertThat(ui.get("KAFKA_CLUSTERS_0_PROPERTIES_SASL_JAAS_CONFIG"))
                .asString()
                .contains("username=\"operator\"");
        assertThat(list(service("kafka-ui"), "ports"))
                .singleElement()
                .asString()
                .startsWith("127.0.0.1:");
    }

    @Test
    void theKafkaUiMasksCodesPhoneNumbersAndTypedTextOnEveryTopicDeadLettersIncluded() {
        Map<String, Object> ui = environment("kafka-ui");
        assertThat(ui.get("KAFKA_CLUSTERS_0_MASKING_0_TYPE")).isEqualTo("MASK");
        assertThat(ui.entrySet().stream()
                        .filter(setting -> setting.getKey().startsWith("KAFKA_CLUSTERS_0_MASKING_0_FIELDS_"))
                        .map(Map.Entry::getValue))
                .containsExactlyInAnyOrder("code", "verification_code", "phone_number", "text");
        // kafbat matches the whole topic name against the pattern.
        Pattern topics = Pattern.compile((String) ui.get("KAFKA_CLUSTERS_0_MASKING_0_TOPICVALUESPATTERN"));
        assertThat(List.of(
                        "verification.codes",
                        "verification.codes-dlt",
                        "verification.requests",
                        "verification.requests-dlt",
                        "registration.requests-dlt",
                        "chat.registrations",
                        "chat.verifications",
                        "chat.verifications-dlt",
                        "telegram.updates",
                        "telegram.updates-dlt",
                        "user.events",
                        "telegram.verification.replies"))
                .allMatch(topic -> topics.matcher(topic).matches());
    }

    @Test
    void servicesStartOnlyOnHealthyInfrastructureAndReportTheirOwnReadiness() {
        for (String name : List.of("kafka", "postgres", "telegram-sandbox")) {
            assertThat(section(service(name), "healthcheck")).as(name).containsKey("test");
        }
        assertThat(section(section(service("kafka-init"), "depends_on"), "kafka"))
                .containsEntry("condition", "service_healthy");
        for (String name : KAFKA_USERS.keySet()) {
            assertThat(section(service(name), "healthcheck").get("test"))
                    .as(name)
                    .asString()
                    .contains("/actuator/health/readiness");
        }
        assertThat(section(section(service("verification-service"), "depends_on"), "postgres"))
                .containsEntry("condition", "service_healthy");
        assertThat(section(section(service("sandbox-bot"), "depends_on"), "telegram-sandbox"))
                .containsEntry("condition", "service_healthy");
    }

    @Test
    void dockerComposeAcceptsTheFileWithoutSecretsSoThatPsLogsAndDownWork() throws Exception {
        assumeTrue(
                onPath("docker-compose"),
                "docker-compose is not installed: only the parsed checks ran" + " (apt-get install docker-compose)");

        Process config = dockerComposeConfig();

        assertThat(config.exitValue())
                .as(new String(config.getInputStream().readAllBytes()))
                .isZero();
    }

    private static Process dockerComposeConfig() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(
                        "docker-compose",
                        "-f",
                        "compose.yaml",
                        "--profile",
                        "sandbox",
                        "--profile",
                        "ui",
                        "config",
                        "-q")
                .directory(ROOT.toFile())
                .redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.matches("(VERIFICATION|POSTGRES|KAFKA)_.*"));
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
