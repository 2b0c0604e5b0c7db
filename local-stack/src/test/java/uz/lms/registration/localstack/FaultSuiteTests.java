package uz.lms.registration.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static uz.lms.registration.localstack.FaultReport.assertHeld;
import static uz.lms.registration.localstack.FaultReport.seconds;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import uz.lms.registration.localstack.FaultReport.Figures;
import uz.lms.registration.localstack.LoadDriver.Phase;

/**
 * The fault suite, on demand only ({@code ./mvnw -Pfaults verify}, see docs/reliability.md): the
 * whole system as separate processes ({@link FaultSuiteSystem}), under HTTP load ({@link LoadDriver}), while one
 * fault after another is injected: SIGKILL and restart of each service, SIGKILL for good of one of two
 * verification-service instances, the broker and then PostgreSQL stopped for 10 s, PostgreSQL crashed and
 * started again 10 s later. After each, with the load stopped and the outbox drained, it counts what must not
 * happen ({@link FaultReport}), and prints docs/reliability.md's fault-suite table.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteTests {

    private static final Duration STEADY = Duration.ofSeconds(8);
    private static final Duration OUTAGE = Duration.ofSeconds(10);
    private static final Duration SETTLE = Duration.ofSeconds(5);
    private static final Duration RECOVERY = Duration.ofMinutes(3);

    private final FaultSuiteSystem system = new FaultSuiteSystem();
    private TopicIndex topics;
    private LoadDriver load;
    private FaultReport report;

    @BeforeAll
    void startTheSystem() throws Exception {
        system.start();
        topics = new TopicIndex(system.bootstrapServers());
        load = new LoadDriver(system.gateway(), system.apiKey, topics);
        report = new FaultReport(system, topics, load);
    }

    @AfterAll
    void stopTheSystem() throws Exception {
        if (load != null) {
            load.stop();
        }
        if (topics != null) {
            topics.close();
        }
        system.close();
        if (report != null) {
            report.write(FaultSuiteSystem.DATA.resolve("report.md"));
        }
    }

    @Test
    @Order(1)
    void verificationServiceKilledAndRestartedAtOnce() throws Exception {
        restartAfterSigkill("verification-1", "SIGKILL of verification-service, restarted at once");
    }

    @Test
    @Order(2)
    void gatewayKilledAndRestartedAtOnce() throws Exception {
        restartAfterSigkill("gateway", "SIGKILL of gateway-service, restarted at once");
    }

    @Test
    @Order(3)
    void telegramServiceKilledAndRestartedAtOnce() throws Exception {
        Instant ready = restartAfterSigkill("telegram", "SIGKILL of telegram-service, restarted at once")
                .back();
        // The codes issued meanwhile wait on verification.codes for the restarted bot: it must deliver them.
        Instant delivered = await("a code delivery after telegram-service was ready again")
                .atMost(Duration.ofSeconds(60))
                .until(() -> topics.firstDeliveryAfter(ready), at -> at.isPresent())
                .orElseThrow();
        report.note("telegram-service restarted: first code delivery " + seconds(Duration.between(ready, delivered))
                + " after it was ready");
    }

    @Test
    @Order(4)
    void oneOfTwoVerificationInstancesKilledForGood() throws Exception {
        system.startService("verification-0");
        system.awaitReady("verification-0");
        await("the victim holds every partition")
                .atMost(RECOVERY)
                .until(() -> system.holdsEveryPartition(FaultSuiteSystem.VICTIM));
        Phase phase = startLoad();
        Thread.sleep(STEADY.toMillis());

        system.kill("verification-0");
        Instant killed = Instant.now();
        await().atMost(RECOVERY)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> system.holdsEveryPartition(FaultSuiteSystem.SURVIVOR));
        Instant takenOver = Instant.now();
        Instant firstSuccess = load.awaitFirstSuccess(phase, takenOver);
        Thread.sleep(SETTLE.toMillis());
        Figures figures = report.count(
                phase, "SIGKILL of one of two verification-service instances, for good", killed, takenOver);
        report.note("one of two instances killed: the survivor held every partition "
                + seconds(Duration.between(killed, takenOver)) + " after the kill (target: 15 s); first success "
                + seconds(Duration.between(killed, firstSuccess)) + " after the kill");
        assertHeld(figures);
        assertThat(Duration.between(killed, takenOver)).isLessThanOrEqualTo(Duration.ofSeconds(15));
    }

    @Test
    @Order(5)
    void brokerStoppedForTenSeconds() throws Exception {
        Phase phase = startLoad();
        Thread.sleep(STEADY.toMillis());

        system.stop("kafka");
        Instant stopped = Instant.now();
        Map<String, Long> linesBefore = system.logLines();
        Thread.sleep(OUTAGE.toMillis());
        Map<String, Long> linesAfter = system.logLines();
        Instant back = startPartAgain("kafka");
        long heldBack = system.outboxRows();
        load.awaitFirstSuccess(phase, back);
        Duration drained = report.awaitOutboxEmpty(back);
        Thread.sleep(SETTLE.toMillis());
        Figures figures = report.count(phase, "broker stopped for 10 s, then started", stopped, back);
        Map<String, Long> added = new LinkedHashMap<>();
        linesAfter.forEach((log, lines) -> added.put(log, lines - linesBefore.getOrDefault(log, 0L)));
        report.note("broker outage: log lines added during the " + seconds(OUTAGE) + " it was down: " + added
                + "; outbox: " + heldBack + " rows when it was back, empty " + seconds(drained)
                + " later, with no restart");
        assertHeld(figures);
        // One warning per client per 5 s reconnect back-off, a few clients per service: tens, not thousands.
        assertThat(added.values()).allSatisfy(lines -> assertThat(lines).isLessThan(200));
    }

    @Test
    @Order(6)
    void postgresStoppedForTenSeconds() throws Exception {
        Phase phase = startLoad();
        Thread.sleep(STEADY.toMillis());

        system.stop("postgres");
        Instant stopped = Instant.now();
        Thread.sleep(OUTAGE.toMillis());
        Instant back = startPartAgain("postgres");
        load.awaitFirstSuccess(phase, back);
        Thread.sleep(SETTLE.toMillis());
        assertHeld(report.count(phase, "PostgreSQL stopped for 10 s, then started", stopped, back));
    }

    /** What was acknowledged must be in the database after it recovers: commits are flushed before they are told. */
    @Test
    @Order(7)
    void postgresCrashedAndStartedAgainTenSecondsLater() throws Exception {
        Phase phase = startLoad();
        Thread.sleep(STEADY.toMillis());

        system.crashPostgres();
        Instant crashed = Instant.now();
        Thread.sleep(OUTAGE.toMillis());
        Instant back = startPartAgain("postgres");
        load.awaitFirstSuccess(phase, back);
        Thread.sleep(SETTLE.toMillis());
        assertHeld(report.count(
                phase, "PostgreSQL crashed (immediate stop), started again on its data after 10 s", crashed, back));
    }

    /** SIGKILL, then the same process again at once; measured until the first success after it is ready. */
    private Figures restartAfterSigkill(String service, String fault) throws Exception {
        Phase phase = startLoad();
        Thread.sleep(STEADY.toMillis());

        system.kill(service);
        Instant killed = Instant.now();
        system.startService(service);
        system.awaitReady(service);
        Instant ready = Instant.now();
        Instant firstSuccess = load.awaitFirstSuccess(phase, ready);
        Thread.sleep(SETTLE.toMillis());
        Figures figures = report.count(phase, fault, killed, ready);
        assertHeld(figures);
        if (service.startsWith("verification")) {
            // The target: a restarted instance consumes again within 5 s of being ready.
            assertThat(Duration.between(ready, firstSuccess)).isLessThanOrEqualTo(Duration.ofSeconds(5));
        }
        return figures;
    }

    private Instant startPartAgain(String part) {
        system.startPart(part);
        system.awaitPart(part);
        return Instant.now();
    }

    private Phase startLoad() throws Exception {
        return load.start(system.deadLetters());
    }
}
