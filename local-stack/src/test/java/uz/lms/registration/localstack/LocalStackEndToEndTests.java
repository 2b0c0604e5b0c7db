package uz.lms.registration.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uz.lms.registration.testsupport.SystemProcess;

/** The local-stack exec jar as run.sh starts it: a process that writes its settings file once it is up. */
class LocalStackEndToEndTests {

    private static final Duration STARTUP = Duration.ofSeconds(90);

    @TempDir
    Path data;

    private final List<SystemProcess> started = new ArrayList<>();

    @AfterEach
    void stopWhatIsLeft() {
        started.forEach(SystemProcess::close);
    }

    @Test
    void databaseRowsSurviveARestart() throws Exception {
        Map<String, String> env = Map.of(
                "LOCAL_STACK_POSTGRES_PORT",
                String.valueOf(SystemProcess.freePort()),
                // Only PostgreSQL is under test here: the other parts are "elsewhere".
                "SPRING_KAFKA_BOOTSTRAP_SERVERS",
                "kafka.elsewhere:9092",
                "TELEGRAM_BOT_TOKEN",
                "123:elsewhere");

        Properties first = startAndAwaitSettings(env);
        try (Connection connection = connect(first);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE people (name text)");
            statement.execute("INSERT INTO people VALUES ('Aziz')");
        }
        stop(started.getFirst());
        Properties second = startAndAwaitSettings(env);

        try (Connection connection = connect(second);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT name FROM people")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("Aziz");
        }
    }

    @Test
    void onlyThePartsTheEnvironmentDoesNotNameAreStartedAndAStopLeavesNothingBehind() throws Exception {
        int kafkaPort = SystemProcess.freePort();
        int sandboxPort = SystemProcess.freePort();
        Properties settings = startAndAwaitSettings(Map.of(
                "LOCAL_STACK_KAFKA_PORT", String.valueOf(kafkaPort),
                "LOCAL_STACK_POSTGRES_PORT", String.valueOf(SystemProcess.freePort()),
                "LOCAL_STACK_SANDBOX_PORT", String.valueOf(sandboxPort),
                "SPRING_DATASOURCE_URL", "jdbc:postgresql://db.elsewhere/lms"));

        assertThat(settings)
                .containsOnlyKeys(
                        "SPRING_KAFKA_BOOTSTRAP_SERVERS",
                        "TELEGRAM_API_URL",
                        "TELEGRAM_BOT_TOKEN",
                        "LOCAL_STACK_WEB_CHAT");
        assertThat(settings.getProperty("SPRING_KAFKA_BOOTSTRAP_SERVERS")).isEqualTo("localhost:" + kafkaPort);
        assertThat(settings.getProperty("TELEGRAM_API_URL")).endsWith(":" + sandboxPort);
        assertThat(settings.getProperty("LOCAL_STACK_WEB_CHAT")).endsWith(":" + sandboxPort + "/");
        assertThat(data.resolve("postgres")).doesNotExist();

        stop(started.getFirst());

        assertThat(data.resolve("local-stack.env")).doesNotExist();
        for (int port : List.of(kafkaPort, sandboxPort)) {
            assertThatCode(() -> new Socket("127.0.0.1", port).close())
                    .as("port %d", port)
                    .isInstanceOf(IOException.class);
        }
    }

    private Properties startAndAwaitSettings(Map<String, String> variables) {
        Map<String, String> env = new HashMap<>(variables);
        env.put("LOCAL_STACK_DATA_DIR", data.toString());
        SystemProcess process = SystemProcess.startJar("local-stack", data.resolve("local-stack.log"), env);
        started.addFirst(process);
        return process.awaitSettings(data.resolve("local-stack.env"), STARTUP);
    }

    private void stop(SystemProcess process) {
        assertThat(process.stop()).as("stopped on SIGTERM").isTrue();
        assertThat(data.resolve("postgres").resolve("postmaster.pid")).doesNotExist();
    }

    private static Connection connect(Properties settings) throws SQLException {
        return DriverManager.getConnection(
                settings.getProperty("SPRING_DATASOURCE_URL"),
                settings.getProperty("SPRING_DATASOURCE_USERNAME"),
                settings.getProperty("SPRING_DATASOURCE_PASSWORD"));
    }
}
