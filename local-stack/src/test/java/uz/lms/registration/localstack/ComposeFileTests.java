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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * compose.yaml held to the contract by reading it: images, ports, settings, secrets and health checks;
 * and, where Debian's docker-compose is installed, by its own parser. {@link ComposeEndToEndTests} starts it.
 */
class ComposeFileTests {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Map<String, Integer> CONTRACT_PORTS =
            Map.of("gateway-service", 8080, "verification-service", 8081, "telegram-service", 8082);
    /** Each service's Kafka principal and the secret file of its password. */
    private static final Map<String, List<String>> KAFKA_USERS = Map.of(
            "gateway-service",
            List.of("gateway-service", "kafka-gateway-password"),
            "verification-service",
            List.of("verification-service", "kafka-verification-password"),
            "telegram-service",
            List.of("telegram-service", "kafka-telegram-password"),
            "sandbox-bot",
            List.of("sandbox-bot", "kafka-sandbox-bot-password"));
    /** Compose's interpolation of a secret from the host's environment ({@code $$} escapes it for the container). */
    private static final Pattern SECRET_FROM_THE_HOST =
            Pattern.compile("(?<!\\$)\\$\\{\\w*(PASSWORD|SECRET|TOKEN|API_KEY)");

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
                .isEqualTo("INTERNAL:SASL_SSL,HOST:SASL_SSL,BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT");
        assertThat(kafka.get("KAFKA_SSL_KEYSTORE_LOCATION")).isEqualTo("/etc/kafka/tls/broker.pem");
        assertThat(section(section(service("kafka"), "depends_on"), "kafka-tls"))
                .containsEntry("condition", "service_completed_successfully");
        assertThat(kafka.get("KAFKA_LISTENERS"))
                .asString()
                .contains("BROKER://127.0.0.1:", "CONTROLLER://127.0.0.1:")
                .doesNotContain("PLAINTEXT://");
        assertThat(service("kafka-init").get("network_mode")).isEqualTo("service:kafka");
        assertThat(service("postgres").get("image")).isEqualTo("postgres:18");
    }

    @Test
    void aPlainUpStartsWhatCanBeHadAndTheSandboxTheUiAndObservabilityAreProfiles() {
        assertThat(services)
                .allSatisfy((name, service) -> assertThat(((Map<?, ?>) service).get("profiles"))
                        .as(name)
                        .isIn(null, List.of("sandbox"), List.of("ui"), List.of("observability"), List.of("grafana")));
        assertThat(service("zipkin").get("profiles")).isEqualTo(List.of("observability"));
        assertThat(service("prometheus").get("profiles")).isEqualTo(List.of("observability"));
        // Its image is on docker.io only: the observability profile must start where it cannot be pulled.
        assertThat(service("grafana").get("profiles")).isEqualTo(List.of("grafana"));
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
        // The published port serves the API and /docs; the actuator answers on a port only the network reaches.
        assertThat(environment("gateway-service").get("MANAGEMENT_SERVER_PORT")).isEqualTo(9080);
        assertThat(list(service("gateway-service"), "expose")).containsExactly("9080");
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
    void everyServiceReachesKafkaOverTlsAsItsOwnPrincipalAndOnlyVerificationServiceThePostgresDatabase() {
        for (Map.Entry<String, List<String>> user : KAFKA_USERS.entrySet()) {
            Map<String, Object> environment = environment(user.getKey());
            String principal = user.getValue().get(0);
            String secret = user.getValue().get(1);
            assertThat(environment.get("SPRING_KAFKA_BOOTSTRAP_SERVERS"))
                    .as(principal)
                    .isEqualTo("kafka:9092");
            assertThat(environment.get("SPRING_KAFKA_SECURITY_PROTOCOL")).isEqualTo("SASL_SSL");
            assertThat(environment.get("SPRING_KAFKA_SSL_TRUST_STORE_LOCATION"))
                    .isEqualTo("file:/etc/kafka-tls/ca.crt");
            assertThat(list(service(user.getKey()), "volumes")).contains("kafka-tls-ca:/etc/kafka-tls:ro");
            assertThat(environment.get("SPRING_KAFKA_PROPERTIES_SASL_MECHANISM"))
                    .isEqualTo("SCRAM-SHA-512");
            assertThat(environment.get("SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG"))
                    .asString()
                    .contains("username=\"$${LMS_KAFKA_USER}\"", "password=\"$${LMS_KAFKA_PASSWORD}\"");
            assertThat(environment)
                    .containsEntry("LMS_KAFKA_USER", principal)
                    .containsEntry("LMS_KAFKA_PASSWORD_FILE", "/run/secrets/" + secret);
            assertThat(list(service(user.getKey()), "secrets")).contains(secret);
            assertThat(environment.get("SPRING_KAFKA_ADMIN_MODIFY_TOPIC_CONFIGS"))
                    .isEqualTo("true");
        }
        for (String name : List.of("verification-service", "gateway-service", "telegram-service")) {
            assertThat(section(section(service(name), "depends_on"), "kafka-init"))
                    .containsEntry("condition", "service_completed_successfully");
        }
        assertThat(list(service("kafka-init"), "secrets"))
                .contains(
                        "kafka-verification-password",
                        "kafka-gateway-password",
                        "kafka-telegram-password",
                        "kafka-operator-password")
                .doesNotContain("kafka-sandbox-bot-password");
        Map<String, Object> postgres = environment("postgres");
        Map<String, Object> verification = environment("verification-service");
        assertThat(verification.get("SPRING_DATASOURCE_URL"))
                .isEqualTo("jdbc:postgresql://postgres:5432/" + postgres.get("POSTGRES_DB"));
        // The owner migrates; the service's own connections may only read and change rows.
        assertThat(verification.get("SPRING_FLYWAY_USER")).isEqualTo(postgres.get("POSTGRES_USER"));
        assertThat(verification.get("SPRING_FLYWAY_PASSWORD_FILE")).isEqualTo(postgres.get("POSTGRES_PASSWORD_FILE"));
        assertThat(verification.get("SPRING_DATASOURCE_USERNAME"))
                .isEqualTo("lms_app")
                .isNotEqualTo(postgres.get("POSTGRES_USER"));
        assertThat(verification.get("SPRING_DATASOURCE_PASSWORD_FILE")).isEqualTo("/run/secrets/postgres-app-password");
        assertThat(list(service("postgres"), "volumes"))
                .contains("./deploy/postgres-app-role.sh:/docker-entrypoint-initdb.d/app-role.sh:ro");
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
                        Map.entry("GATEWAY_API_KEY_FILE", "/run/secrets/gateway-api-key"));
        assertThat(environment("telegram-service"))
                .contains(
                        Map.entry("TELEGRAM_BOT_TOKEN_FILE", "/run/secrets/telegram-bot-token"),
                        Map.entry("TELEGRAM_API_URL", "${TELEGRAM_API_URL:-https://api.telegram.org}"));
    }

    @Test
    void secretsAreFilesThatNoContainerHasInItsEnvironmentAndProdGuardsTheRealServices() {
        Map<String, Object> secrets = section(read(), "secrets");
        assertThat(secrets)
                .allSatisfy((name, secret) -> assertThat(((Map<?, ?>) secret).get("file"))
                        .isEqualTo("${LMS_SECRETS_DIR:-./secrets}/" + name));
        services.forEach((name, service) -> {
            Map<?, ?> settings = (Map<?, ?>) ((Map<?, ?>) service).get("environment");
            if (settings == null) {
                return;
            }
            settings.forEach((variable, value) -> {
                // A secret's variable names a file this container has; no value takes a secret from the host.
                if (variable.toString().endsWith("_FILE")) {
                    assertThat(value).as("%s %s", name, variable).asString().startsWith("/run/secrets/");
                    assertThat(list(service(name.toString()), "secrets"))
                            .contains(value.toString().substring("/run/secrets/".length()));
                }
                assertThat(String.valueOf(value))
                        .as("%s %s", name, variable)
                        .doesNotContainPattern(SECRET_FROM_THE_HOST);
            });
        });
        assertThat(environment("verification-service"))
                .containsEntry("VERIFICATION_CODE_SECRET_FILE", "/run/secrets/verification-code-secret");
        assertThat(environment("postgres")).containsEntry("POSTGRES_PASSWORD_FILE", "/run/secrets/postgres-password");
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
    void everyContainerRunsWithoutCapabilitiesNorNewPrivilegesOnAReadOnlyRootFileSystem() {
        assertThat(services).allSatisfy((name, service) -> {
            Map<?, ?> settings = (Map<?, ?>) service;
            assertThat(settings.get("cap_drop")).as(name).isEqualTo(List.of("ALL"));
            assertThat(settings.get("security_opt")).as(name).isEqualTo(List.of("no-new-privileges:true"));
            assertThat(settings.get("read_only")).as(name).isEqualTo(true);
        });
        // Only the one that hands the broker its key may change a file's owner.
        assertThat(services)
                .allSatisfy((name, service) -> assertThat(((Map<?, ?>) service).get("cap_add"))
                        .as(name)
                        .isEqualTo(name.equals("kafka-tls") ? List.of("CHOWN") : null));
    }

    @Test
    void theSandboxStartsOnlyWhereThereIsNoRealBotAndAsAPrincipalOfItsOwn() {
        Map<String, Object> init = service("sandbox-init");
        assertThat(init.get("profiles")).isEqualTo(List.of("sandbox"));
        assertThat(init.get("entrypoint")).isEqualTo(List.of("bash", "/kafka-init.sh", "sandbox-bot"));
        assertThat(list(init, "secrets")).containsExactlyInAnyOrder("kafka-sandbox-bot-password", "telegram-bot-token");
        for (String name : List.of("telegram-sandbox", "sandbox-bot")) {
            assertThat(section(section(service(name), "depends_on"), "sandbox-init"))
                    .as(name)
                    .containsEntry("condition", "service_completed_successfully");
        }
        assertThat(list(service("sandbox-bot"), "secrets")).containsExactly("kafka-sandbox-bot-password");
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
    void theObservabilityProfileScrapesEveryInstanceOfEveryServiceOnItsActuatorPortAndCollectsTheirSpans()
            throws IOException {
        assertThat(service("prometheus").get("image")).asString().startsWith("prom/prometheus:");
        assertThat(list(service("prometheus"), "volumes"))
                .contains(
                        "./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro",
                        "./deploy/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro");
        Map<String, Object> prometheus = readYaml(ROOT.resolve("deploy/prometheus/prometheus.yml"));
        assertThat(list(prometheus, "rule_files")).containsExactly("alerts.yml");
        List<Object> jobs = list(prometheus, "scrape_configs");
        // Every container with an actuator: the three services and the sandbox's bot, each on its management port.
        for (String name : KAFKA_USERS.keySet()) {
            Object port = environment(name).get("MANAGEMENT_SERVER_PORT");
            assertThat(jobs)
                    .as("a job scraping every instance of %s on %s", name, port)
                    .anySatisfy(job -> {
                        Map<String, Object> scrape = map(job);
                        assertThat(scrape.get("metrics_path")).isEqualTo("/actuator/prometheus");
                        assertThat(list(scrape, "dns_sd_configs")).anySatisfy(dns -> {
                            // Type A: one target per container under the service's name, however many are scaled.
                            assertThat(map(dns).get("type")).isEqualTo("A");
                            assertThat(map(dns).get("port")).isEqualTo(port);
                            assertThat(list(map(dns), "names")).contains(name);
                        });
                    });
            assertThat(environment(name))
                    .as(name)
                    .containsEntry("MANAGEMENT_TRACING_EXPORT_ZIPKIN_ENABLED", "true")
                    .containsEntry("MANAGEMENT_TRACING_EXPORT_ZIPKIN_ENDPOINT", "http://zipkin:9411/api/v2/spans");
        }
        // The version run.sh fetches for RUN_OBSERVABILITY=true.
        assertThat(Files.readString(ROOT.resolve("run.sh")))
                .contains("ZIPKIN_SERVER=io.zipkin:zipkin-server:"
                        + service("zipkin").get("image").toString().replace("openzipkin/zipkin:", "")
                        + ":jar:exec");
        for (String name : List.of("zipkin", "prometheus", "grafana")) {
            assertThat(list(service(name), "ports"))
                    .as(name)
                    .singleElement()
                    .asString()
                    .startsWith("127.0.0.1:");
        }
    }

    @Test
    void grafanaIsProvisionedWithComposesPrometheusAndTheDashboardWhoseEveryPanelQueriesIt() throws IOException {
        assertThat(list(service("grafana"), "volumes"))
                .contains(
                        "./deploy/grafana/provisioning:/etc/grafana/provisioning:ro",
                        "./deploy/grafana/dashboards:/etc/grafana/dashboards:ro");
        Map<String, Object> datasource = map(
                list(readYaml(ROOT.resolve("deploy/grafana/provisioning/datasources/prometheus.yml")), "datasources")
                        .getFirst());
        assertThat(datasource).containsEntry("type", "prometheus").containsEntry("url", "http://prometheus:9090");
        assertThat(list(service("prometheus"), "ports"))
                .singleElement()
                .asString()
                .endsWith(":9090");
        Map<String, Object> provider = map(
                list(readYaml(ROOT.resolve("deploy/grafana/provisioning/dashboards/lms-registration.yml")), "providers")
                        .getFirst());
        assertThat(section(provider, "options")).containsEntry("path", "/etc/grafana/dashboards");

        JsonNode dashboard = JsonMapper.builder()
                .build()
                .readTree(ROOT.resolve("deploy/grafana/dashboards/lms-registration.json")
                        .toFile());
        assertThat(dashboard.get("panels")).isNotEmpty().allSatisfy(panel -> {
            assertThat(panel.get("targets")).as(panel.get("title").asString()).isNotEmpty();
            panel.get("targets").forEach(target -> {
                assertThat(target.at("/datasource/uid").asString()).isEqualTo(datasource.get("uid"));
                assertThat(target.get("expr").asString()).isNotBlank();
            });
        });
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
                        "--profile",
                        "observability",
                        "--profile",
                        "grafana",
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
        return readYaml(ROOT.resolve("compose.yaml"));
    }

    private static Map<String, Object> readYaml(Path file) {
        try (Reader reader = Files.newBufferedReader(file)) {
            return new Yaml().load(reader);
        } catch (IOException e) {
            throw new IllegalStateException(file + " is missing", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
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
