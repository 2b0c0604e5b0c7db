package uz.lms.registration.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import uz.lms.registration.testsupport.EmbeddedInfrastructure;
import uz.lms.registration.testsupport.TopicRecorder;

/**
 * verification-service as a process of its own, under a steady load of registrations and verifications
 * from requesters with the gateway's 5 s reply timeout, killed with SIGKILL and started again at once.
 * It runs in a JVM of its own (tag {@code own-jvm}, see the pom): the service's consumer groups must have
 * no other member. Prints the figures of the README's reliability table.
 */
@Tag("own-jvm")
class CrashTests {

    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(5);
    private static final int CLIENTS = 4;
    private static final String INSTANCE_ID = "crash-tests-1";

    private String database = EmbeddedInfrastructure.newDatabase();
    private JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(database, "postgres", "postgres"));
    private final HttpClient http = HttpClient.newHttpClient();
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
        registrationDlt = record(Topics.deadLetter(Topics.REGISTRATION_REQUESTS));
        verificationDlt = record(Topics.deadLetter(Topics.VERIFICATION_REQUESTS));
    }

    @Test
    void afterASigkillAndARestartNothingIsLostNorAppliedLateAndRequestsSucceedWithinSecondsOfReadiness()
            throws Exception {
        int port = freePort();
        Process service = start(port, "before", INSTANCE_ID);
        awaitReady(port);
        startLoad();
        Thread.sleep(5_000);

        service.destroyForcibly().waitFor();
        Instant killed = Instant.now();
        start(port, "after", INSTANCE_ID);
        awaitReady(port);
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
        int survivorPort = freePort();
        int victimPort = freePort();
        start(survivorPort, "survivor", INSTANCE_ID);
        // The range assignor gives the partitions to the members whose ids sort first: the victim holds them all.
        Process victim = start(victimPort, "victim", "crash-tests-0");
        awaitReady(survivorPort);
        awaitReady(victimPort);
        startLoad();
        Thread.sleep(5_000);

        victim.destroyForcibly().waitFor();
        Instant killed = Instant.now();
        Thread.sleep(30_000);
        stopLoad();

        // A request gives up at its reply timeout: the last one that did tells when all partitions were served again.
        Instant lastFailure = lastFailureSentAfter(killed)
                .map(sent -> sent.plus(REPLY_TIMEOUT))
                .orElse(killed);
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
        int postgresPort = freePort();
        FileSystemUtils.deleteRecursively(data);
        // Not cleaned on close: the data outlives the stop, as a real database's does.
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setPort(postgresPort)
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .start();
        database = postgres.getJdbcUrl("postgres", "postgres");
        jdbc = JdbcClient.create(new DriverManagerDataSource(database, "postgres", "postgres"));
        int port = freePort();
        start(port, "database-outage", INSTANCE_ID);
        awaitReady(port);
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
     *                                 the process; the requester timed out (see the README)
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
                        UUID.randomUUID(),
                        sent,
                        telegramId,
                        VerificationServiceTest.newPhoneNumber(),
                        "uz",
                        RegisterUser.Source.TELEGRAM_CONTACT));
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

    /** The service's main class on this JVM's class path, its output in target/. */
    private Process start(int port, String name, String instanceId) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(
                        java,
                        "-XX:TieredStopAtLevel=1",
                        "-Xmx384m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        VerificationServiceApplication.class.getName(),
                        "--server.port=" + port,
                        "--spring.kafka.bootstrap-servers=" + EmbeddedInfrastructure.bootstrapServers(),
                        "--spring.datasource.url=" + database,
                        "--spring.datasource.username=postgres",
                        "--spring.datasource.password=postgres",
                        "--verification.reply-topics=" + TestClient.REPLY_TOPICS,
                        "--verification.instance-id=" + instanceId)
                .redirectErrorStream(true)
                .redirectOutput(
                        Path.of("target", "crash-tests-" + name + ".log").toFile())
                .start();
        cleanUp.add(() -> process.destroyForcibly().waitFor());
        return process;
    }

    private void awaitReady(int port) {
        HttpRequest readiness = HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/actuator/health/readiness"))
                .build();
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> http.send(readiness, HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
