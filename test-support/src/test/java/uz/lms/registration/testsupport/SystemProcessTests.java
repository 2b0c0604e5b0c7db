package uz.lms.registration.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemProcessTests {

    private static final Duration STARTUP = Duration.ofSeconds(60);

    @TempDir
    Path data;

    @Test
    void aProcessGetsTheSettingsItIsGivenAndStopsOnSigterm() throws Exception {
        Path settings = data.resolve("part.env");
        try (SystemProcess process = SystemProcess.startMain(
                Part.class, data.resolve("part.log"), Map.of("LOCAL_STACK_GIVEN", "yes"), settings.toString())) {

            Properties written = process.awaitSettings(settings, STARTUP);

            assertThat(written).containsEntry("GIVEN", "yes");
            assertThat(process.stop()).as("stopped on SIGTERM").isTrue();
            assertThat(process.isAlive()).isFalse();
            assertThat(process.logLines()).isPositive();
            assertThat(Files.readString(process.log())).contains("part started");
        }
    }

    @Test
    void aKilledProcessIsGoneWhenTheKillReturns() {
        Path settings = data.resolve("part.env");
        SystemProcess process =
                SystemProcess.startMain(Part.class, data.resolve("part.log"), Map.of(), settings.toString());
        process.awaitSettings(settings, STARTUP);

        process.kill();

        assertThat(process.isAlive()).isFalse();
    }

    @Test
    void waitingForAProcessThatExitedFailsAtOnceAndNamesItsLog() {
        Path log = data.resolve("part.log");
        SystemProcess process = SystemProcess.startMain(Part.class, log, Map.of());

        assertThatThrownBy(() -> process.awaitSettings(data.resolve("never.env"), STARTUP))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited (3)")
                .hasMessageContaining(log.toString());
    }

    @Test
    void anExecJarThatIsNotBuiltIsNamed() {
        assertThatThrownBy(() -> SystemProcess.execJar("no-such-module"))
                .hasMessageContaining("no-such-module/target/*-exec.jar");
    }

    /** A part of a system: writes its settings file and runs until stopped; without a file to write, it exits. */
    static final class Part {

        public static void main(String[] args) throws Exception {
            System.out.println("part started");
            if (args.length == 0) {
                System.exit(3);
            }
            Files.writeString(Path.of(args[0]), "GIVEN=" + System.getenv("LOCAL_STACK_GIVEN") + "\n");
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
