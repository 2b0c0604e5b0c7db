package uz.lms.registration.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.util.FileSystemUtils;
import uz.lms.registration.contracts.DeliverCode;
import uz.lms.registration.contracts.RegisterUser;
import uz.lms.registration.contracts.RegistrationOutcome.CodeSent;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.contracts.UserEvent;
import uz.lms.registration.contracts.VerificationOutcome.Verified;
import uz.lms.registration.testsupport.ConsumerGroups;
import uz.lms.registration.testsupport.EmbeddedInfrastructure;
import uz.lms.registration.testsupport.SystemProcess;
import uz.lms.registration.testsupport.TopicRecorder;

/**
 * verification-service as a process of its own, under a steady load of registrations and verifications
 * from requesters with the gateway's 5 s reply timeout, killed with SIGKILL and started again at once.
 * It runs in a JVM of its own (tag {@code own-jvm}, see the pom): the service's consumer groups must have
 * no other member. Prints the figures of docs/reliability.md's CrashTests table.
 */
@Tag("own-jvm")
class CrashTests {

    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(5);
    private static final int CLIENTS = 4;
    private static final String INSTANCE_ID = "crash-tests-1";
    /** Sorts before {@link #INSTANCE_ID}. */
    private static final String VICTIM_ID = "crash-tests-0";

    private static final Duration STARTUP = Duration.ofMinutes(2);

    private String database = EmbeddedInfrastructure.newDatabase();
    private JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(database, "postgres", "postgres"));
    private final List<AutoCloseable> cleanUp = new ArrayList<>();

    /** When each request that got its success was sent and answered. */
    private final ConcurrentLinkedQueue<Instant[]> successes = new ConcurrentLinkedQueue<>();

    private final Set<Long> registered = ConcurrentHashMap.newKeySet();
    private final Map<Long, Instant> registrationsUnanswered = new ConcurrentHashMap<>();
    private final Map<Long, Instant> verificationsUnanswered = new ConcurrentHashMap<>();
    private final List<Thread> load = new ArrayList<>();
    private volatile boolean loading = true;
    private TopicRecorder codes;
    private TopicRecorder userEvents;
    private TopicRecorder registrationDlt;
    private TopicRecorder verificationDlt;

    @AfterEach
    void stop() throws Exception {
        loading = false;
        for (AutoCloseable closeable : cleanUp.reversed()) {
            closeable.close();
        }
    }

    @BeforeEach
    void record() {
        codes = record(Topics.VERIFICATION_CODES);
        userEvents = record(Topics.USER_EVENTS);
        registrationDlt = record(Topics.deadLetter(Topics.CHAT_REGISTRATIONS));
        verificationDlt = record(Topics.deadLetter(Topics.CHAT_VERIFICATIONS));
    }

    @Test
    void afterASigkillAndARestartNothingIsLostNorAppliedLateAndRequestsSucceedWithinSecondsOfReadiness()
            throws Exception {
        int port = SystemProcess.freePort();
        SystemProcess service = start(port, "before", INSTANCE_ID);
        service.awaitReady(port, STARTUP);
        startLoad();
        Thread.sleep(5_000);

        service.kill();
        Instant killed = Instant.now();
        start(port, "after", INSTANCE_ID).awaitReady(port, STARTUP);
        Instant ready = Instant.now();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> firstSuccessSentAfter(killed).isPresent());
        Thread.sleep(3_000);
        stopLoad();

        Instant firstSuccess = firstSuccessSentAfter(killed).orElseThrow();
        Figures figures = figures(killed, firstSuccess);
        System.out.println("verification-service SIGKILL + restart: " + figures + ", ready after "
                + Duration.between(killed, ready));
        assertThat(figures.allHeld()).isTrue();
        assertThat(Duration.between(ready, firstSuccess)).isLessThanOrEqualTo(Duration.ofSeconds(5));
    }

    /** On demand (tag {@code fault-suite}): add {@code -Dcrash-tests.excluded=none}. */
    @Test
    @Tag("fault-suite")
    void whenOneOfTwoInstancesIsKilledForGoodTheOtherTakesItsPartitionsOverWithinFifteenSeconds() throws Exception {
        int survivorPort = SystemProcess.freePort();
        int victimPort = SystemProcess.freePort();
        SystemProcess survivor = start(survivorPort, "survivor", INSTANCE_ID);
        // The range assignor gives the partitions to the members whose ids sort first: the victim holds them all.
        SystemProcess victim = start(victimPort, "victim", VICTIM_ID);
        survivor.awaitReady(survivorPort, STARTUP);
        victim.awaitReady(victimPort, STARTUP);
        Admin admin = Admin.create(Map.<String, Object>of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedInfrastructure.bootstrapServers()));
        cleanUp.add(admin);
        await("the victim holds every partition")
                .atMost(Duration.ofMinutes(1))
                .until(() -> ConsumerGroups.allHeldBy(admin, ConsumerGroups.VERIFICATION_COMMANDS, VICTIM_ID, 3));
        startLoad();
        Thread.sleep(5_000);

        victim.kill();
        Instant killed = Instant.now();
        Thread.sleep(30_000);
        stopLoad();

        // A request gives up at its reply timeout: the last one that did tells when all partitions were served again.
        // None failing would mean the kill was not felt, and say nothing about a takeover.
        Instant lastFailure = lastFailureSentAfter(killed)
                .orElseThrow(() -> new AssertionError(
                        "no request failed after the victim, which held every partition, was killed"))
                .plus(REPLY_TIMEOUT);
        Figures figures = figures(killed, lastFailure);
        System.out.println("one of two verification-service instances SIGKILLed: " + figures);
        assertThat(figures.allHeld()).isTrue();
        assertThat(figures.recoveredAfter()).isLessThanOrEqualTo(Duration.ofSeconds(15));
    }

    /** On demand (tag {@code fault-suite}): PostgreSQL of its own, stopped for 10 s and started again. */
    @Test
    @Tag("fault-suite")
    void aDatabaseOutageLosesNothingDeadLettersNothingAndAppliesNothingLate() throws Exception {
        Path data = Path.of("target", "crash-tests-postgres");
        int postgresPort = SystemProcess.freePort();
        FileSystemUtils.deleteRecursively(data);
        // Not cleaned on close: the data outlives the stop, as a real database's does.
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setPort(postgresPort)
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .start();
        database = postgres.getJdbcUrl("postgres", "postgres");
        jdbc = JdbcClient.create(new DriverManagerDataSource(database, "postgres", "postgres"));
        int port = SystemProcess.freePort();
        start(port, "database-outage", INSTANCE_ID).awaitReady(port, STARTUP);
        startLoad();
        Thread.sleep(5_000);

        postgres.close();
        Instant stopped = Instant.now();
        Thread.sleep(10_000);
        EmbeddedPostgres restarted = EmbeddedPostgres.builder()
                .setPort(postgresPort)
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .start();
        cleanUp.addFirst(restarted);
        Instant back = Instant.now();
        await().atMost(Duration.ofSeconds(90))
                .until(() -> firstSuccessSentAfter(back).isPresent());
        Thread.sleep(3_000);
        stopLoad();

        Figures figures = figures(stopped, firstSuccessSentAfter(back).orElseThrow());
        System.out.println("PostgreSQL stopped for 10 s: " + figures + ", first success "
                + Duration.between(back, firstSuccessSentAfter(back).orElseThrow()) + " after it was back");
        assertThat(figures.allHeld()).isTrue();
    }

    /**
     * @param unansweredAppliedLate    commands answered with a timeout, applied after the kill: a 503 that changed something
     * @param unansweredAppliedAtCrash commands applied and committed just before the kill, whose replies died with
     *                                 the process; the requester timed out (see docs/reliability.md)
     * @param recoveredAfter           from the kill to service again, as each test defines it
     */
    record Figures(
            int registered,
            int withoutCode,
            long doubleVerifications,
            long unansweredAppliedLate,
            long unansweredAppliedAtCrash,
            int deadLettered,
            long outboxLeft,
            Duration recoveredAfter) {

        /** What the issue requires to be zero is zero, and something was registered. */
        boolean allHeld() {
            return registered > 0
                    && withoutCode == 0
                    && doubleVerifications == 0
                    && unansweredAppliedLate == 0
                    && deadLettered == 0
                    && outboxLeft == 0;
        }
    }

    private void startLoad() {
        TestClient client = new TestClient(REPLY_TIMEOUT);
        cleanUp.add(client);
        for (int i = 0; i < CLIENTS; i++) {
            load.add(Thread.ofVirtual().start(() -> drive(client)));
        }
    }

    private void stopLoad() throws InterruptedException {
        loading = false;
        for (Thread thread : load) {
            thread.join();
        }
    }

    /** Once the outbox has drained and the codes have arrived. */
    private Figures figures(Instant killed, Instant recovered) {
        await().atMost(Duration.ofSeconds(60)).until(() -> outboxRows() == 0);
        await().atMost(Duration.ofSeconds(30)).until(() -> withoutCode().isEmpty());
        return new Figures(
                registered.size(),
                withoutCode().size(),
                doubleVerifications(),
                appliedAfter(killed),
                appliedBefore(killed),
                registrationDlt.records().size() + verificationDlt.records().size(),
                outboxRows(),
                Duration.between(killed, recovered));
    }

    /** One client: registers a new user, then verifies with the code delivered, again and again. */
    private void drive(TestClient client) {
        while (loading) {
            long telegramId = VerificationServiceTest.newTelegramId();
            Instant sent = Instant.now();
            try {
                var reply = client.register(new RegisterUser(
                        UUID.randomUUID(), sent, telegramId, VerificationServiceTest.newPhoneNumber(), "uz", false));
                if (!(reply.outcome() instanceof CodeSent)) {
                    continue;
                }
                registered.add(telegramId);
                successes.add(new Instant[] {sent, Instant.now()});
            } catch (RuntimeException timedOut) {
                registrationsUnanswered.put(telegramId, sent);
                continue;
            }
            Optional<String> code = deliveredCode(telegramId);
            if (code.isEmpty()) {
                continue;
            }
            Instant verifying = Instant.now();
            try {
                if (client.verify(telegramId, code.get()) instanceof Verified) {
                    successes.add(new Instant[] {verifying, Instant.now()});
                }
            } catch (RuntimeException timedOut) {
                verificationsUnanswered.put(telegramId, verifying);
            }
        }
    }

    private Optional<String> deliveredCode(long telegramId) {
        try {
            return Optional.of(await().atMost(REPLY_TIMEOUT)
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> codes.values(DeliverCode.class, telegramId), delivered -> !delivered.isEmpty())
                    .getLast()
                    .code());
        } catch (ConditionTimeoutException none) {
            return Optional.empty();
        }
    }

    private Optional<Instant> firstSuccessSentAfter(Instant killed) {
        return successes.stream()
                .filter(success -> success[0].isAfter(killed))
                .map(success -> success[1])
                .min(Instant::compareTo);
    }

    private Optional<Instant> lastFailureSentAfter(Instant killed) {
        return Stream.concat(registrationsUnanswered.values().stream(), verificationsUnanswered.values().stream())
                .filter(sent -> sent.isAfter(killed))
                .max(Instant::compareTo);
    }

    private List<Long> withoutCode() {
        Set<Long> withCode = codes.values(DeliverCode.class).stream()
                .map(DeliverCode::telegramId)
                .collect(Collectors.toSet());
        return registered.stream().filter(id -> !withCode.contains(id)).toList();
    }

    /** Users verified by two distinct events; a redelivery keeps its event_id and does not count. */
    private long doubleVerifications() {
        return userEvents.values(UserEvent.class).stream()
                .filter(UserEvent.UserVerified.class::isInstance)
                .collect(Collectors.groupingBy(
                        UserEvent::telegramId, Collectors.mapping(UserEvent::eventId, Collectors.toSet())))
                .values()
                .stream()
                .filter(ids -> ids.size() > 1)
                .count();
    }

    private long appliedAfter(Instant killed) {
        return applied(killed, true);
    }

    private long appliedBefore(Instant killed) {
        return applied(killed, false);
    }

    /** Unanswered commands that changed a user: a registration that created one, a check that verified one. */
    private long applied(Instant killed, boolean after) {
        String when = after ? ">=" : "<";
        long registrations = registrationsUnanswered.keySet().stream()
                .filter(id -> jdbc.sql("SELECT count(*) FROM users WHERE telegram_id = ? AND created_at " + when + " ?")
                                .params(id, Timestamp.from(killed))
                                .query(Long.class)
                                .single()
                        > 0)
                .count();
        long verifications = verificationsUnanswered.keySet().stream()
                .filter(id ->
                        jdbc.sql("SELECT count(*) FROM users WHERE telegram_id = ? AND is_verified AND verified_at "
                                                + when + " ?")
                                        .params(id, Timestamp.from(killed))
                                        .query(Long.class)
                                        .single()
                                > 0)
                .count();
        return registrations + verifications;
    }

    private long outboxRows() {
        return jdbc.sql("SELECT count(*) FROM outbox").query(Long.class).single();
    }

    private TopicRecorder record(String topic) {
        TopicRecorder recorder = TopicRecorder.start(topic);
        cleanUp.add(recorder);
        return recorder;
    }

    /** The service's main class on this JVM's class path, in a JVM of its own, its output in target/. */
    private SystemProcess start(int port, String name, String instanceId) {
        SystemProcess process = SystemProcess.startMain(
                VerificationServiceApplication.class,
                Path.of("target", "crash-tests-" + name + ".log"),
                Map.of(),
                "--server.port=" + port,
                "--spring.kafka.bootstrap-servers=" + EmbeddedInfrastructure.bootstrapServers(),
                "--spring.datasource.url=" + database,
                "--spring.datasource.username=postgres",
                "--spring.datasource.password=postgres",
                "--verification.reply-topics=" + TestClient.REPLY_TOPICS,
                "--verification.instance-id=" + instanceId);
        cleanUp.add(process::kill);
        return process;
    }
}
