package uz.lms.registration.localstack;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.springframework.util.FileSystemUtils;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.testsupport.ConsumerGroups;
import uz.lms.registration.testsupport.SystemProcess;

/**
 * The whole system as the fault suite runs it: separate processes from the exec jars, as run.sh starts them,
 * with the broker, PostgreSQL and the Telegram sandbox each a local-stack process of its own (a part), so that
 * each can be stopped and started again on its port and data; all on free ports, in {@link #DATA}. Also what
 * the suite asks the broker and the database.
 */
final class FaultSuiteSystem implements AutoCloseable {

    static final Path DATA = SystemProcess.ROOT.resolve("local-stack/target/fault-suite");
    static final String SURVIVOR = "fault-suite-1";
    /** Sorts before the survivor: the range assignor gives it every partition, so its death is felt. */
    static final String VICTIM = "fault-suite-0";

    private static final Duration STARTUP = Duration.ofMinutes(6);

    final String apiKey = UUID.randomUUID().toString();
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, SystemProcess> processes = new ConcurrentHashMap<>();
    private final Map<String, String> infrastructure = new HashMap<>();
    private @Nullable Admin admin;

    /** Every part, then verification-service, the gateway and telegram-service, each ready. */
    void start() throws IOException {
        for (String module : List.of("local-stack", "verification-service", "gateway-service", "telegram-service")) {
            SystemProcess.execJar(module);
        }
        FileSystemUtils.deleteRecursively(DATA);
        Files.createDirectories(DATA.resolve("logs"));
        for (String name :
                List.of("kafka", "postgres", "sandbox", "verification-1", "verification-0", "gateway", "telegram")) {
            ports.put(name, SystemProcess.freePort());
        }
        Settings.PARTS.forEach(this::startPart);
        Settings.PARTS.forEach(this::awaitPart);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
        for (String service : List.of("verification-1", "gateway", "telegram")) {
            startService(service);
        }
        for (String service : List.of("verification-1", "gateway", "telegram")) {
            awaitReady(service);
        }
    }

    /** {@code java -jar local-stack-exec.jar <part>} on the suite's ports and data folder. */
    void startPart(String part) {
        Map<String, String> env = Map.of(
                "LOCAL_STACK_DATA_DIR", DATA.toString(),
                "LOCAL_STACK_KAFKA_PORT", String.valueOf(ports.get("kafka")),
                "LOCAL_STACK_POSTGRES_PORT", String.valueOf(ports.get("postgres")),
                "LOCAL_STACK_SANDBOX_PORT", String.valueOf(ports.get("sandbox")));
        processes.put(part, SystemProcess.startJar("local-stack", log(part), env, part));
    }

    /** Until the part has written its settings, which the services are given. */
    void awaitPart(String part) {
        processes
                .get(part)
                .awaitSettings(DATA.resolve("local-stack-" + part + ".env"), STARTUP)
                .forEach((name, value) -> infrastructure.put((String) name, (String) value));
    }

    void startService(String name) {
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
                // The load registers through the trusted gateway: both sides must trust its callers' numbers.
                env.put("VERIFICATION_TRUST_CALLER_PHONE_NUMBERS", "true");
                yield "verification-service";
            }
        };
        processes.put(name, SystemProcess.startJar(module, log(name), env));
    }

    void awaitReady(String service) {
        processes.get(service).awaitReady(ports.get(service), STARTUP);
    }

    void kill(String name) {
        processes.remove(name).kill();
    }

    /** SIGTERM: local-stack stops PostgreSQL on it, which it must get. */
    void stop(String name) {
        SystemProcess process = processes.remove(name);
        if (process != null) {
            process.stop();
        }
    }

    /**
     * The postgres part's server stopped in immediate mode (what {@code pg_ctl stop -m immediate} does: SIGQUIT to
     * the postmaster, no checkpoint, what is not in the write-ahead log on disk is gone, as after a crash or an OOM
     * kill), and the part's JVM SIGKILLed. The server runs detached from that JVM (pg_ctl starts it), so killing
     * the JVM alone would leave it running; pg_ctl itself refuses to run as root, which build machines often are.
     */
    void crashPostgres() throws Exception {
        kill("postgres");
        String postmaster = Files.readAllLines(DATA.resolve("postgres").resolve("postmaster.pid"))
                .getFirst()
                .trim();
        ProcessHandle server = ProcessHandle.of(Long.parseLong(postmaster)).orElseThrow();
        Process quit = new ProcessBuilder("kill", "-s", "QUIT", postmaster)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log("postgres").toFile()))
                .start();
        if (quit.waitFor() != 0) {
            throw new IllegalStateException("kill -s QUIT " + postmaster + " failed; see " + log("postgres"));
        }
        server.onExit().get(1, TimeUnit.MINUTES);
    }

    URI gateway() {
        return URI.create("http://localhost:" + ports.get("gateway"));
    }

    String bootstrapServers() {
        return infrastructure.get("SPRING_KAFKA_BOOTSTRAP_SERVERS");
    }

    /** Lines in each service's log so far. */
    Map<String, Long> logLines() {
        Map<String, Long> lines = new LinkedHashMap<>();
        for (String service : List.of("verification-1", "gateway", "telegram")) {
            lines.put(service, processes.get(service).logLines());
        }
        return lines;
    }

    boolean holdsEveryPartition(String instanceId) throws Exception {
        return ConsumerGroups.allHeldBy(admin(), ConsumerGroups.VERIFICATION_COMMANDS, instanceId, 3);
    }

    /** Records on every dead-letter topic so far. */
    long deadLetters() throws Exception {
        Set<String> topics = admin().listTopics().names().get().stream()
                .filter(topic -> topic.endsWith(Topics.DEAD_LETTER_SUFFIX))
                .collect(Collectors.toSet());
        Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
        admin().describeTopics(topics)
                .allTopicNames()
                .get()
                .values()
                .forEach(topic -> topic.partitions()
                        .forEach(partition -> ends.put(
                                new TopicPartition(topic.name(), partition.partition()), OffsetSpec.latest())));
        return admin().listOffsets(ends).all().get().values().stream()
                .mapToLong(info -> info.offset())
                .sum();
    }

    long outboxRows() throws SQLException {
        try (Connection connection = database();
                PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM outbox");
                ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /**
     * When a request of this kind changed each of these users, for those it did: a registration created the user
     * (its code event commits with it), a verification verified it.
     */
    Map<Long, Instant> appliedAt(String kind, Collection<Long> telegramIds) throws SQLException {
        String sql = kind.equals("register")
                ? "SELECT telegram_id, created_at FROM users WHERE telegram_id = ANY (?)"
                : "SELECT telegram_id, verified_at FROM users WHERE telegram_id = ANY (?) AND is_verified";
        Map<Long, Instant> applied = new HashMap<>();
        try (Connection connection = database();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setArray(1, connection.createArrayOf("bigint", telegramIds.toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    applied.put(rows.getLong(1), rows.getTimestamp(2).toInstant());
                }
            }
        }
        return applied;
    }

    /** The services, then the parts. */
    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
        for (String name : List.of("gateway", "telegram", "verification-0", "verification-1")) {
            stop(name);
        }
        Settings.PARTS.forEach(this::stop);
    }

    private Admin admin() {
        if (admin == null) {
            throw new IllegalStateException("the system has not started");
        }
        return admin;
    }

    private Connection database() throws SQLException {
        return DriverManager.getConnection(
                infrastructure.get("SPRING_DATASOURCE_URL"),
                infrastructure.get("SPRING_DATASOURCE_USERNAME"),
                infrastructure.get("SPRING_DATASOURCE_PASSWORD"));
    }

    private static Path log(String name) {
        return DATA.resolve("logs").resolve(name + ".log");
    }
}
