package uz.lms.registration.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.Reader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.json.JsonMapper;
import uz.lms.registration.contracts.DeliverCode;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.contracts.UserEvent;
import uz.lms.registration.testsupport.TopicRecorder;

/**
 * The fault suite, on demand only ({@code ./mvnw -Pfaults verify}, see the README's Reliability section): the
 * whole system as separate processes from the exec jars, as run.sh starts it, with the broker, PostgreSQL and
 * the Telegram sandbox each a local-stack process of its own, so that each can be stopped and started again on
 * its port and data. HTTP clients loop register, wait for the code on {@code verification.codes}, verify (the
 * gateway trusts their numbers, with an API key, and does not rate-limit), while one fault after another is
 * injected: SIGKILL and restart of each service, SIGKILL for good of one of two verification-service
 * instances, the broker and then PostgreSQL stopped for 10 s. After each, with the load stopped and the outbox
 * drained, it counts what must not happen, and prints the README's reliability table.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteTests {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path DATA = ROOT.resolve("local-stack/target/fault-suite");
    private static final int CLIENTS = 8;
    private static final Duration STEADY = Duration.ofSeconds(8);
    private static final Duration OUTAGE = Duration.ofSeconds(10);
    private static final Duration SETTLE = Duration.ofSeconds(5);
    private static final Duration STARTUP = Duration.ofMinutes(4);
    private static final Duration RECOVERY = Duration.ofMinutes(3);
    /** Longer than the gateway's 5 s reply timeout: a 503 is the gateway's answer, not the client's guess. */
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(15);

    private static final String SURVIVOR = "fault-suite-1";
    /** Sorts before the survivor: the range assignor gives it every partition, so its death is felt. */
    private static final String VICTIM = "fault-suite-0";

    private static final List<String> COMMAND_GROUPS =
            List.of("verification-service.registrations", "verification-service.verifications");

    private final JsonMapper json = JsonMapper.builder().build();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String apiKey = UUID.randomUUID().toString();
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, Process> processes = new ConcurrentHashMap<>();
    private final Map<String, String> infrastructure = new HashMap<>();
    private final List<String> table = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final AtomicLong telegramIds =
            new AtomicLong(800_000_000_000L + ThreadLocalRandom.current().nextLong(1_000_000_000L));
    private final AtomicLong phoneNumbers =
            new AtomicLong(ThreadLocalRandom.current().nextLong(1_000_000L));

    /** What the topics carried, indexed as it arrives: the code to verify with, and what is counted. */
    private final Map<Long, String> codes = new ConcurrentHashMap<>();

    private final Map<Long, List<UUID>> verifiedEvents = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Instant> deliveries = new ConcurrentLinkedQueue<>();
    private final List<TopicRecorder> recorders = new ArrayList<>();
    private @Nullable Thread indexer;
    private volatile boolean indexing = true;
    private Admin admin;
    private @Nullable Phase current;

    @BeforeAll
    void startTheSystem() throws Exception {
        for (String module : List.of("local-stack", "verification-service", "gateway-service", "telegram-service")) {
            assertThat(execJar(module))
                    .as("%s/target/*-exec.jar: build with ./mvnw package first", module)
                    .isPresent();
        }
        FileSystemUtils.deleteRecursively(DATA);
        Files.createDirectories(DATA.resolve("logs"));
        for (String name :
                List.of("kafka", "postgres", "sandbox", "verification-1", "verification-0", "gateway", "telegram")) {
            ports.put(name, freePort());
        }
        for (String part : Settings.PARTS) {
            startPart(part);
        }
        for (String part : Settings.PARTS) {
            infrastructure.putAll(awaitPart(part));
        }
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
        startService("verification-1");
        startService("gateway");
        startService("telegram");
        for (String service : List.of("verification-1", "gateway", "telegram")) {
            awaitReady(service);
        }
        recordTopics();
    }

    @AfterAll
    void stopTheSystem() throws Exception {
        if (current != null) {
            stopLoad(current);
        }
        indexing = false;
        if (indexer != null) {
            indexer.join();
        }
        recorders.forEach(TopicRecorder::close);
        if (admin != null) {
            admin.close();
        }
        for (String service : List.of("gateway", "telegram", "verification-0", "verification-1")) {
            stop(service);
        }
        for (String part : Settings.PARTS) {
            stop(part);
        }
        String report = """

                Fault suite: %d clients; processes: %s
                | fault | registrations answered without a code event | double verifications | 503s applied anyway | dead-lettered | outbox rows left | from the fault to the first success again |
                |---|---|---|---|---|---|---|
                %s
                %s
                """.formatted(
                        CLIENTS,
                        Runtime.getRuntime().availableProcessors() + " cores, load average "
                                + Files.readString(Path.of("/proc/loadavg")).trim(),
                        String.join("\n", table),
                        notes.stream().map(note -> "- " + note).collect(Collectors.joining("\n")));
        System.out.println(report);
        Files.writeString(DATA.resolve("report.md"), report);
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
        Figures figures = restartAfterSigkill("telegram", "SIGKILL of telegram-service, restarted at once");
        Instant ready = figures.back();
        Optional<Instant> delivered =
                deliveries.stream().filter(at -> at.isAfter(ready)).min(Instant::compareTo);
        notes.add("telegram-service restarted: first code delivery "
                + delivered
                        .map(at -> seconds(Duration.between(ready, at)) + " after it was ready")
                        .orElse("none seen"));
    }

    @Test
    @Order(4)
    void oneOfTwoVerificationInstancesKilledForGood() throws Exception {
        startService("verification-0");
        awaitReady("verification-0");
        await().atMost(RECOVERY).until(() -> holdsEveryPartition(VICTIM));
        Phase phase = startLoad();
        Thread.sleep(STEADY.toMillis());

        processes.get("verification-0").destroyForcibly().waitFor();
        Instant killed = Instant.now();
        await().atMost(RECOVERY).pollInterval(Duration.ofMillis(200)).until(() -> holdsEveryPartition(SURVIVOR));
        Instant takenOver = Instant.now();
        Instant firstSuccess = awaitFirstSuccess(phase, takenOver);
        Thread.sleep(SETTLE.toMillis());
        Figures figures =
                figures(phase, "SIGKILL of one of two verification-service instances, for good", killed, takenOver);
        notes.add("one of two instances killed: the survivor held every partition "
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

        stop("kafka");
        Instant stopped = Instant.now();
        Map<String, Long> linesBefore = logLines();
        Thread.sleep(OUTAGE.toMillis());
        Map<String, Long> linesAfter = logLines();
        startPart("kafka");
        awaitPart("kafka");
        Instant back = Instant.now();
        long heldBack = outboxRows();
        awaitFirstSuccess(phase, back);
        Duration drained = awaitOutboxEmpty(back);
        Thread.sleep(SETTLE.toMillis());
        Figures figures = figures(phase, "broker stopped for 10 s, then started", stopped, back);
        Map<String, Long> added = new LinkedHashMap<>();
        linesAfter.forEach((log, lines) -> added.put(log, lines - linesBefore.getOrDefault(log, 0L)));
        notes.add("broker outage: log lines added during the " + seconds(OUTAGE) + " it was down: " + added
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

        stop("postgres");
        Instant stopped = Instant.now();
        Thread.sleep(OUTAGE.toMillis());
        startPart("postgres");
        awaitPart("postgres");
        Instant back = Instant.now();
        awaitFirstSuccess(phase, back);
        Thread.sleep(SETTLE.toMillis());
        assertHeld(figures(phase, "PostgreSQL stopped for 10 s, then started", stopped, back));
    }

    /** SIGKILL, then the same process again at once; measured until the first success after it is ready. */
    private Figures restartAfterSigkill(String service, String fault) throws Exception {
        Phase phase = startLoad();
        Thread.sleep(STEADY.toMillis());

        processes.get(service).destroyForcibly().waitFor();
        Instant killed = Instant.now();
        startService(service);
        awaitReady(service);
        Instant ready = Instant.now();
        Instant firstSuccess = awaitFirstSuccess(phase, ready);
        Thread.sleep(SETTLE.toMillis());
        Figures figures = figures(phase, fault, killed, ready);
        assertHeld(figures);
        if (service.startsWith("verification")) {
            // The target: a restarted instance consumes again within 5 s of being ready.
            assertThat(Duration.between(ready, firstSuccess)).isLessThanOrEqualTo(Duration.ofSeconds(5));
        }
        return figures;
    }

    // --- the load -------------------------------------------------------------------------------------------

    /** One HTTP request and its answer: {@code status} 0 when none came (connection refused or cut). */
    record Request(String kind, long telegramId, Instant sent, Instant answered, int status) {}

    /** The requests of one fault's window, and the clients that make them. */
    static final class Phase {
        final ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();
        final Set<Long> users = ConcurrentHashMap.newKeySet();
        final List<Thread> clients = new ArrayList<>();
        final long deadLettersBefore;
        volatile boolean loading = true;

        Phase(long deadLettersBefore) {
            this.deadLettersBefore = deadLettersBefore;
        }
    }

    private Phase startLoad() throws Exception {
        // A fault that failed before its figures leaves its clients running: they must not load the next one.
        if (current != null) {
            stopLoad(current);
        }
        Phase phase = new Phase(deadLetters());
        current = phase;
        for (int i = 0; i < CLIENTS; i++) {
            phase.clients.add(Thread.ofVirtual().start(() -> drive(phase)));
        }
        return phase;
    }

    private static void stopLoad(Phase phase) throws InterruptedException {
        phase.loading = false;
        for (Thread client : phase.clients) {
            client.join();
        }
    }

    /** One client: a new user registers, then verifies with the code issued, again and again. */
    private void drive(Phase phase) {
        while (phase.loading) {
            long telegramId = telegramIds.incrementAndGet();
            phase.users.add(telegramId);
            String phoneNumber = "+99890" + String.format("%07d", phoneNumbers.incrementAndGet() % 10_000_000);
            Request registration = send(
                    phase,
                    "register",
                    telegramId,
                    "{\"telegram_id\":" + telegramId + ",\"phone_number\":\"" + phoneNumber + "\"}");
            if (registration.status() != 200) {
                pause(registration);
                continue;
            }
            Optional<String> code = awaitCode(telegramId);
            if (code.isEmpty()) {
                continue;
            }
            Request verification = send(
                    phase,
                    "verify",
                    telegramId,
                    "{\"telegram_id\":" + telegramId + ",\"verification_code\":\"" + code.get() + "\"}");
            if (verification.status() != 200) {
                pause(verification);
            }
        }
    }

    private Request send(Phase phase, String kind, long telegramId, String body) {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://localhost:" + ports.get("gateway") + "/" + kind))
                .header("Content-Type", "application/json")
                .header("X-API-Key", apiKey)
                .timeout(HTTP_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        Instant sent = Instant.now();
        int status;
        try {
            status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException noAnswer) {
            status = 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = 0;
        }
        Request done = new Request(kind, telegramId, sent, Instant.now(), status);
        phase.requests.add(done);
        return done;
    }

    /** A refused connection fails at once: no loop at full speed while the gateway is down. */
    private static void pause(Request failed) {
        if (Duration.between(failed.sent(), failed.answered()).toMillis() < 200) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Optional<String> awaitCode(long telegramId) {
        Instant giveUp = Instant.now().plus(Duration.ofSeconds(10));
        while (Instant.now().isBefore(giveUp)) {
            String code = codes.get(telegramId);
            if (code != null) {
                return Optional.of(code);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return Optional.empty();
    }

    private Instant awaitFirstSuccess(Phase phase, Instant after) {
        return await().atMost(RECOVERY)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> firstSuccess(phase, after), Optional::isPresent)
                .orElseThrow();
    }

    /** When the first request sent after {@code after} that succeeded was answered. */
    private static Optional<Instant> firstSuccess(Phase phase, Instant after) {
        return phase.requests.stream()
                .filter(request -> request.status() == 200 && request.sent().isAfter(after))
                .map(Request::answered)
                .min(Instant::compareTo);
    }

    // --- the figures ----------------------------------------------------------------------------------------

    /**
     * @param appliedLate    answered 503, applied after the 503 was: a 503 that changed something, which the
     *                       deadline must prevent
     * @param appliedAtFault answered 503, committed before the fault, whose reply the fault held back (see the README)
     * @param appliedInTime  answered 503, applied after the fault but before the 503: read just before its deadline,
     *                       its reply slower than the rest of the reply timeout (see the README)
     * @param lostApplied    no answer at all (the gateway died with the connection), applied: not a 503
     * @param back           when the faulted part was back (ready, or every partition taken over)
     */
    record Figures(
            String fault,
            int registered,
            long withoutCode,
            long doubleVerifications,
            long redeliveries,
            long appliedLate,
            long appliedAtFault,
            long appliedInTime,
            long lostApplied,
            long deadLettered,
            long outboxLeft,
            Duration toFirstSuccess,
            Instant back,
            Duration backToFirstSuccess) {

        String row() {
            List<String> apart = new ArrayList<>();
            if (appliedAtFault > 0) {
                apart.add(appliedAtFault + " committed just before the fault");
            }
            if (appliedInTime > 0) {
                apart.add(appliedInTime + " read just before the deadline, applied before the 503: reply too slow");
            }
            if (lostApplied > 0) {
                apart.add(lostApplied + " applied whose connection the kill cut: no answer, not a 503");
            }
            return "| %s | %d of %d | %d%s | %d%s | %d | %d | %s, %s after it was back |"
                    .formatted(
                            fault,
                            withoutCode,
                            registered,
                            doubleVerifications,
                            redeliveries == 0 ? "" : " (" + redeliveries + " redelivered, one event_id)",
                            appliedLate,
                            apart.isEmpty() ? "" : " (" + String.join("; ", apart) + ")",
                            deadLettered,
                            outboxLeft,
                            seconds(toFirstSuccess),
                            seconds(backToFirstSuccess));
        }
    }

    /** Stops the load, waits for the outbox to drain and the codes of the successes to arrive, then counts. */
    private Figures figures(Phase phase, String fault, Instant faultAt, Instant back) throws Exception {
        stopLoad(phase);
        awaitOutboxEmpty(Instant.now());
        List<Long> registered = phase.requests.stream()
                .filter(request -> request.kind().equals("register") && request.status() == 200)
                .map(Request::telegramId)
                .toList();
        try {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> registered.stream().allMatch(codes::containsKey));
        } catch (RuntimeException someMissing) {
            // counted below
        }
        long redeliveries = 0;
        long doubles = 0;
        for (long user : phase.users) {
            List<UUID> events = verifiedEvents.getOrDefault(user, List.of());
            long distinct = events.stream().distinct().count();
            doubles += distinct > 1 ? 1 : 0;
            redeliveries += events.size() - distinct;
        }
        List<Applied> unavailable = applied(phase, 503);
        Instant firstSuccess = firstSuccess(phase, faultAt).orElseThrow();
        Instant firstSuccessAfterBack = firstSuccess(phase, back).orElseThrow();
        Figures figures = new Figures(
                fault,
                registered.size(),
                registered.stream().filter(id -> !codes.containsKey(id)).count(),
                doubles,
                redeliveries,
                unavailable.stream()
                        .filter(applied ->
                                !applied.at().isBefore(applied.request().answered()))
                        .count(),
                unavailable.stream()
                        .filter(applied -> applied.at().isBefore(faultAt))
                        .count(),
                unavailable.stream()
                        .filter(applied -> !applied.at().isBefore(faultAt)
                                && applied.at().isBefore(applied.request().answered()))
                        .count(),
                applied(phase, 0).size(),
                deadLetters() - phase.deadLettersBefore,
                outboxRows(),
                Duration.between(faultAt, firstSuccess),
                back,
                Duration.between(back, firstSuccessAfterBack).isNegative()
                        ? Duration.ZERO
                        : Duration.between(back, firstSuccessAfterBack));
        table.add(figures.row());
        System.out.println(figures.row());
        return figures;
    }

    private static void assertHeld(Figures figures) {
        assertThat(figures.registered()).as("registrations answered 200").isPositive();
        assertThat(figures.withoutCode())
                .as("registrations answered 200 without a code event")
                .isZero();
        assertThat(figures.doubleVerifications()).as("double verifications").isZero();
        assertThat(figures.appliedLate())
                .as("503s applied after they were answered")
                .isZero();
        assertThat(figures.deadLettered()).as("dead-lettered records").isZero();
        assertThat(figures.outboxLeft()).as("outbox rows left").isZero();
    }

    /** A request that changed a user, and when. */
    record Applied(Request request, Instant at) {}

    /**
     * Requests answered {@code status} that changed a user anyway: a registration that created one (its code
     * event follows in the same transaction), a check that verified one.
     */
    private List<Applied> applied(Phase phase, int status) throws SQLException {
        List<Applied> applied = new ArrayList<>();
        try (Connection connection = database()) {
            for (Request request : phase.requests) {
                if (request.status() != status) {
                    continue;
                }
                String sql = request.kind().equals("register")
                        ? "SELECT created_at FROM users WHERE telegram_id = ?"
                        : "SELECT verified_at FROM users WHERE telegram_id = ? AND is_verified";
                try (PreparedStatement statement = connection.prepareStatement(sql)) {
                    statement.setLong(1, request.telegramId());
                    try (ResultSet rows = statement.executeQuery()) {
                        if (rows.next() && rows.getTimestamp(1) != null) {
                            applied.add(
                                    new Applied(request, rows.getTimestamp(1).toInstant()));
                        }
                    }
                }
            }
        }
        return applied;
    }

    private long outboxRows() throws SQLException {
        try (Connection connection = database();
                PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM outbox");
                ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private Duration awaitOutboxEmpty(Instant from) {
        try {
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .until(() -> outboxRows() == 0);
        } catch (RuntimeException notEmpty) {
            // reported as the rows left
        }
        return Duration.between(from, Instant.now());
    }

    private Connection database() throws SQLException {
        return DriverManager.getConnection(
                infrastructure.get("SPRING_DATASOURCE_URL"),
                infrastructure.get("SPRING_DATASOURCE_USERNAME"),
                infrastructure.get("SPRING_DATASOURCE_PASSWORD"));
    }

    /** Records on every dead-letter topic so far. */
    private long deadLetters() throws Exception {
        Set<String> topics = admin.listTopics().names().get().stream()
                .filter(topic -> topic.endsWith(Topics.DEAD_LETTER_SUFFIX))
                .collect(Collectors.toSet());
        Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
        admin.describeTopics(topics)
                .allTopicNames()
                .get()
                .values()
                .forEach(topic -> topic.partitions()
                        .forEach(partition -> ends.put(
                                new TopicPartition(topic.name(), partition.partition()), OffsetSpec.latest())));
        return admin.listOffsets(ends).all().get().values().stream()
                .mapToLong(info -> info.offset())
                .sum();
    }

    /** Every partition of verification-service's command groups is assigned to the instance {@code instanceId}. */
    private boolean holdsEveryPartition(String instanceId) throws Exception {
        Map<String, ConsumerGroupDescription> groups =
                admin.describeConsumerGroups(COMMAND_GROUPS).all().get();
        for (ConsumerGroupDescription group : groups.values()) {
            int held = 0;
            for (MemberDescription member : group.members()) {
                int partitions = member.assignment().topicPartitions().size();
                if (partitions > 0 && !member.groupInstanceId().orElse("").startsWith(instanceId)) {
                    return false;
                }
                held += partitions;
            }
            if (held < 3) {
                return false;
            }
        }
        return true;
    }

    private Map<String, Long> logLines() throws IOException {
        Map<String, Long> lines = new LinkedHashMap<>();
        for (String service : List.of("verification-1", "gateway", "telegram")) {
            try (Stream<String> log = Files.lines(DATA.resolve("logs").resolve(service + ".log"))) {
                lines.put(service, log.count());
            }
        }
        return lines;
    }

    // --- the topics -----------------------------------------------------------------------------------------

    private void recordTopics() {
        TopicRecorder codeRecorder = TopicRecorder.start(bootstrapServers(), Topics.VERIFICATION_CODES);
        TopicRecorder events = TopicRecorder.start(bootstrapServers(), Topics.USER_EVENTS);
        TopicRecorder delivered = TopicRecorder.start(bootstrapServers(), Topics.CODE_DELIVERIES);
        recorders.addAll(List.of(codeRecorder, events, delivered));
        indexer = Thread.ofPlatform().name("fault-suite-indexer").start(() -> {
            int codesSeen = 0;
            int eventsSeen = 0;
            int deliveriesSeen = 0;
            while (indexing) {
                List<ConsumerRecord<String, byte[]>> newCodes = codeRecorder.records();
                for (ConsumerRecord<String, byte[]> record : newCodes.subList(codesSeen, newCodes.size())) {
                    DeliverCode code = json.readValue(record.value(), DeliverCode.class);
                    codes.put(code.telegramId(), code.code());
                }
                codesSeen = newCodes.size();
                List<ConsumerRecord<String, byte[]>> newEvents = events.records();
                for (ConsumerRecord<String, byte[]> record : newEvents.subList(eventsSeen, newEvents.size())) {
                    if (json.readValue(record.value(), UserEvent.class) instanceof UserEvent.UserVerified verified) {
                        verifiedEvents
                                .computeIfAbsent(verified.telegramId(), id -> new CopyOnWriteArrayList<>())
                                .add(verified.eventId());
                    }
                }
                eventsSeen = newEvents.size();
                List<ConsumerRecord<String, byte[]>> newDeliveries = delivered.records();
                newDeliveries
                        .subList(deliveriesSeen, newDeliveries.size())
                        .forEach(record -> deliveries.add(Instant.ofEpochMilli(record.timestamp())));
                deliveriesSeen = newDeliveries.size();
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    // --- the processes --------------------------------------------------------------------------------------

    /** {@code java -jar local-stack-exec.jar <part>} on the suite's port and data folder. */
    private void startPart(String part) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("LOCAL_STACK_DATA_DIR", DATA.toString());
        env.put("LOCAL_STACK_KAFKA_PORT", String.valueOf(ports.get("kafka")));
        env.put("LOCAL_STACK_POSTGRES_PORT", String.valueOf(ports.get("postgres")));
        env.put("LOCAL_STACK_SANDBOX_PORT", String.valueOf(ports.get("sandbox")));
        start(part, "local-stack", env, part);
    }

    private Map<String, String> awaitPart(String part) throws IOException {
        Path file = DATA.resolve("local-stack-" + part + ".env");
        Process process = processes.get(part);
        await().atMost(STARTUP).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("local-stack " + part + " exited; see " + log(part));
            }
            return Files.exists(file);
        });
        Properties settings = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            settings.load(reader);
        }
        Map<String, String> values = new HashMap<>();
        settings.forEach((name, value) -> values.put((String) name, (String) value));
        return values;
    }

    private void startService(String name) throws IOException {
        Map<String, String> env = new HashMap<>(infrastructure);
        env.remove("LOCAL_STACK_WEB_CHAT");
        env.put("SERVER_PORT", String.valueOf(ports.get(name)));
        String module = switch (name) {
            case "gateway" -> {
                env.put("GATEWAY_API_KEY", apiKey);
                env.put("GATEWAY_TRUST_CALLER_PHONE_NUMBERS", "true");
                env.put("GATEWAY_RATE_LIMIT_ENABLED", "false");
                yield "gateway-service";
            }
            case "telegram" -> "telegram-service";
            default -> {
                env.put("VERIFICATION_INSTANCE_ID", name.equals("verification-0") ? VICTIM : SURVIVOR);
                yield "verification-service";
            }
        };
        start(name, module, env);
    }

    private void start(String name, String module, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xmx384m",
                "-jar",
                execJar(module).orElseThrow().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log(name).toFile()));
        builder.environment()
                .keySet()
                .removeIf(variable -> variable.matches("(SPRING|TELEGRAM|GATEWAY|VERIFICATION|LOCAL_STACK|SERVER)_.*"));
        builder.environment().putAll(env);
        processes.put(name, builder.start());
    }

    private void awaitReady(String service) {
        Process process = processes.get(service);
        HttpRequest readiness = HttpRequest.newBuilder(
                        URI.create("http://localhost:" + ports.get(service) + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(5))
                .build();
        await().atMost(STARTUP)
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException(service + " exited; see " + log(service));
                    }
                    return http.send(readiness, HttpResponse.BodyHandlers.discarding())
                                    .statusCode()
                            == 200;
                });
    }

    /** SIGTERM, and SIGKILL after a minute: local-stack stops PostgreSQL on SIGTERM, which it must get. */
    private void stop(String name) throws InterruptedException {
        Process process = processes.remove(name);
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    private String bootstrapServers() {
        return infrastructure.get("SPRING_KAFKA_BOOTSTRAP_SERVERS");
    }

    private static Path log(String name) {
        return DATA.resolve("logs").resolve(name + ".log");
    }

    private static Optional<Path> execJar(String module) throws IOException {
        try (Stream<Path> files = Files.list(ROOT.resolve(module).resolve("target"))) {
            return files.filter(file -> file.getFileName().toString().endsWith("-exec.jar"))
                    .findFirst();
        }
    }

    private static String seconds(Duration duration) {
        return String.format("%.1f s", duration.toMillis() / 1000.0);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
