package uz.lms.registration.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;
import static uz.lms.registration.localstack.WholeSystem.PATIENCE;
import static uz.lms.registration.localstack.WholeSystem.codeIn;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./run.sh} as an operator uses it, on the whole system it starts ({@link WholeSystem}):
 * {@code ./run.sh watch} shows the flow on the topics but masks what operators must not read, and stopping
 * run.sh leaves nothing behind. Runs with failsafe, after {@code package} has built the jars.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WholeSystemRunShEndToEndTests {

    /** A code as a JSON value, issued or typed: what run.sh watch must never print. */
    private static final Pattern CODE_IN_JSON = Pattern.compile("\"\\d{6}\"");
    /** The test's phone numbers, as given or normalized: "+998 90 111 22 88", "998901112288", ... */
    private static final Pattern PHONE_NUMBER = Pattern.compile("998[\\d -]{9,}");

    private static final long WATCHED = 910_000_006L;

    @TempDir
    static Path data;

    private WholeSystem system;

    @BeforeAll
    void startTheSystemWithRunSh() throws Exception {
        system = WholeSystem.start(data);
    }

    @AfterAll
    void stopWhatIsLeft() throws InterruptedException {
        if (system != null) {
            system.close();
        }
    }

    @Test
    @Order(1)
    void runShWatchShowsTheFlowOnTheTopicsButNoCodeNorPhoneNumber() throws Exception {
        system.shareContact(WATCHED, "+998 90 111 22 88");
        system.type(WATCHED, codeIn(system.awaitCode(WATCHED, null)));
        system.awaitUserEvent("UserVerified", WATCHED);

        Process watch = system.runSh("watch.out", "watch");
        try {
            await().atMost(PATIENCE)
                    .until(() -> Files.readString(data.resolve("watch.out"))
                            .lines()
                            .anyMatch(line -> line.contains("user.events")
                                    && line.contains("\"UserVerified\"")
                                    && line.contains(String.valueOf(WATCHED))));
            String watched = Files.readString(data.resolve("watch.out"));
            assertThat(watched)
                    .contains(
                            "registration.requests",
                            "verification.requests",
                            "code.deliveries",
                            "verification.codes",
                            "telegram.updates",
                            "\"code\":\"******\"",
                            "\"verification_code\":\"******\"",
                            "\"phone_number\":\"******\"",
                            "\"text\":\"******\"");
            assertThat(CODE_IN_JSON.matcher(watched).find())
                    .as("a code in run.sh watch's output")
                    .isFalse();
            assertThat(PHONE_NUMBER.matcher(watched).find())
                    .as("a phone number in run.sh watch's output")
                    .isFalse();
        } finally {
            watch.destroy();
            watch.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(2)
    void stoppingRunShLeavesNoProcessBehind() throws Exception {
        Process runSh = system.runSh();
        List<ProcessHandle> started = runSh.toHandle().descendants().toList();
        assertThat(started).hasSizeGreaterThanOrEqualTo(4);

        runSh.destroy();

        assertThat(runSh.waitFor(90, TimeUnit.SECONDS)).as(system.output()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> started.stream().noneMatch(ProcessHandle::isAlive));
        assertThat(data.resolve("postgres").resolve("postmaster.pid")).doesNotExist();
        for (int port : system.ports()) {
            assertThatCode(() -> new Socket("127.0.0.1", port).close())
                    .as("port %d", port)
                    .isInstanceOf(IOException.class);
        }
        assertThat(system.output()).contains("Stopped.");
    }
}
