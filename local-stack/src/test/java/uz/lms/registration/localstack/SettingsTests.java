package uz.lms.registration.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTests {

    @Test
    void anEmptyEnvironmentStartsEverythingOnTheDefaultPorts() {
        Settings settings = Settings.from(Map.of());

        assertThat(settings.kafkaPort()).isEqualTo(9092);
        assertThat(settings.postgresPort()).isEqualTo(54329);
        assertThat(settings.sandboxPort()).isEqualTo(8090);
        assertThat(settings.sandboxAddress().getAddress().isLoopbackAddress()).isTrue();
        assertThat(settings.dataDir()).isEqualTo(Path.of(".run-data").toAbsolutePath());
        assertThat(settings.environmentFile()).isEqualTo(settings.dataDir().resolve("local-stack.env"));
    }

    @Test
    void postgresFlushesItsCommitsUnlessToldNotTo() {
        assertThat(Settings.from(Map.of()).postgresDurable()).isTrue();
        assertThat(Settings.only("postgres", Map.of()).postgresDurable()).isTrue();
        assertThat(Settings.from(Map.of("LOCAL_STACK_POSTGRES_DURABLE", " ")).postgresDurable())
                .isTrue();
        assertThat(Settings.only("postgres", Map.of("LOCAL_STACK_POSTGRES_DURABLE", "false"))
                        .postgresDurable())
                .isFalse();
    }

    @Test
    void aPartTheEnvironmentAlreadyPointsAtIsNotStarted() {
        Settings settings = Settings.from(Map.of(
                "SPRING_KAFKA_BOOTSTRAP_SERVERS", "kafka.internal:9092",
                "SPRING_DATASOURCE_URL", "jdbc:postgresql://db.internal/lms",
                "TELEGRAM_BOT_TOKEN", "123:real"));

        assertThat(settings.startsKafka()).isFalse();
        assertThat(settings.startsPostgres()).isFalse();
        assertThat(settings.startsSandbox()).isFalse();
    }

    @Test
    void aSelfHostedBotApiAloneAlsoReplacesTheSandbox() {
        Settings settings = Settings.from(Map.of("TELEGRAM_API_URL", "http://bot-api.internal:8081"));

        assertThat(settings.startsSandbox()).isFalse();
        assertThat(settings.startsKafka()).isTrue();
    }

    @Test
    void blankVariablesCountAsUnsetAndPortsCanBeMoved() {
        Settings settings = Settings.from(Map.of(
                "SPRING_KAFKA_BOOTSTRAP_SERVERS", " ",
                "LOCAL_STACK_KAFKA_PORT", "19092",
                "LOCAL_STACK_POSTGRES_PORT", "15432",
                "LOCAL_STACK_SANDBOX_PORT", "18090",
                "LOCAL_STACK_DATA_DIR", "/tmp/stack"));

        assertThat(settings.kafkaPort()).isEqualTo(19092);
        assertThat(settings.postgresPort()).isEqualTo(15432);
        assertThat(settings.sandboxPort()).isEqualTo(18090);
        assertThat(settings.dataDir()).isEqualTo(Path.of("/tmp/stack"));
    }

    @Test
    void theSandboxAloneServesEveryInterfaceInAContainer() {
        Settings settings = Settings.only("sandbox", Map.of("LOCAL_STACK_SANDBOX_ADDRESS", "0.0.0.0"));

        assertThat(settings.startsKafka()).isFalse();
        assertThat(settings.startsPostgres()).isFalse();
        assertThat(settings.startsSandbox()).isTrue();
        assertThat(settings.sandboxAddress().getAddress().isAnyLocalAddress()).isTrue();
        assertThat(settings.sandboxAddress().getPort()).isEqualTo(8090);
    }

    @Test
    void theBrokerAloneRunsOnItsPortWhateverTheEnvironmentNamesAndKeepsItsDataInAFileOfItsOwn() {
        Settings settings = Settings.only(
                "kafka",
                Map.of(
                        "SPRING_KAFKA_BOOTSTRAP_SERVERS", "kafka.elsewhere:9092",
                        "LOCAL_STACK_KAFKA_PORT", "19092",
                        "LOCAL_STACK_DATA_DIR", "/tmp/stack"));

        assertThat(settings.kafkaPort()).isEqualTo(19092);
        assertThat(settings.startsPostgres()).isFalse();
        assertThat(settings.startsSandbox()).isFalse();
        assertThat(settings.keepsKafkaData()).isTrue();
        assertThat(settings.environmentFile()).isEqualTo(Path.of("/tmp/stack/local-stack-kafka.env"));
        assertThat(Settings.from(Map.of()).keepsKafkaData()).isFalse();
    }

    @Test
    void anUnknownPartIsRefused() {
        assertThatThrownBy(() -> Settings.only("zookeeper", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kafka, postgres, sandbox");
    }
}
