package uz.lms.registration.localstack;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What to start and where, read from the environment. A part is started only when the environment does
 * not already point the services at a real one.
 *
 * @param dataDir      where PostgreSQL keeps its data and where the resolved settings are written
 * @param kafkaPort    port of the embedded broker, or 0 when {@code SPRING_KAFKA_BOOTSTRAP_SERVERS} is set
 * @param postgresPort port of the embedded database, or 0 when {@code SPRING_DATASOURCE_URL} is set
 * @param sandboxPort  port of the Telegram sandbox, or 0 when {@code TELEGRAM_BOT_TOKEN} or
 *                     {@code TELEGRAM_API_URL} is set
 * @param sandboxHost  the address the sandbox binds, {@code LOCAL_STACK_SANDBOX_ADDRESS}: the loopback
 *                     address unless a container must serve it to others
 * @param postgresDurable whether PostgreSQL flushes its commits to disk, {@code LOCAL_STACK_POSTGRES_DURABLE}:
 *                     on unless set to {@code false}, because without it a crash of PostgreSQL alone loses
 *                     commits whose success was already told to people; {@code false} trades that for speed
 * @param part         the one part this process runs ({@code kafka}, {@code postgres} or {@code sandbox}), or
 *                     null for all of them, as run.sh starts it
 */
record Settings(
        Path dataDir,
        int kafkaPort,
        int postgresPort,
        int sandboxPort,
        String sandboxHost,
        boolean postgresDurable,
        @Nullable String part) {

    static final List<String> PARTS = List.of("kafka", "postgres", "sandbox");

    static Settings from(Map<String, String> env) {
        return new Settings(
                Path.of(env.getOrDefault("LOCAL_STACK_DATA_DIR", ".run-data")).toAbsolutePath(),
                isSet(env, "SPRING_KAFKA_BOOTSTRAP_SERVERS") ? 0 : port(env, "LOCAL_STACK_KAFKA_PORT", 9092),
                isSet(env, "SPRING_DATASOURCE_URL") ? 0 : port(env, "LOCAL_STACK_POSTGRES_PORT", 54329),
                isSet(env, "TELEGRAM_BOT_TOKEN") || isSet(env, "TELEGRAM_API_URL")
                        ? 0
                        : port(env, "LOCAL_STACK_SANDBOX_PORT", 8090),
                isSet(env, "LOCAL_STACK_SANDBOX_ADDRESS")
                        ? env.get("LOCAL_STACK_SANDBOX_ADDRESS").trim()
                        : InetAddress.getLoopbackAddress().getHostAddress(),
                !env.getOrDefault("LOCAL_STACK_POSTGRES_DURABLE", "").trim().equalsIgnoreCase("false"),
                null);
    }

    /**
     * One part alone, on its port, whatever the environment names: the sandbox as compose.yaml's {@code sandbox}
     * profile runs it beside a real Kafka and PostgreSQL, or the broker or the database as a process of its own,
     * which can be stopped and started again on the same port and data (the fault suite does).
     */
    static Settings only(String part, Map<String, String> env) {
        if (!PARTS.contains(part)) {
            throw new IllegalArgumentException("no part " + part + ": one of " + PARTS);
        }
        Settings settings = from(env);
        return new Settings(
                settings.dataDir,
                part.equals("kafka") ? port(env, "LOCAL_STACK_KAFKA_PORT", 9092) : 0,
                part.equals("postgres") ? port(env, "LOCAL_STACK_POSTGRES_PORT", 54329) : 0,
                part.equals("sandbox") ? port(env, "LOCAL_STACK_SANDBOX_PORT", 8090) : 0,
                settings.sandboxHost,
                settings.postgresDurable,
                part);
    }

    boolean startsKafka() {
        return kafkaPort > 0;
    }

    boolean startsPostgres() {
        return postgresPort > 0;
    }

    boolean startsSandbox() {
        return sandboxPort > 0;
    }

    InetSocketAddress sandboxAddress() {
        return new InetSocketAddress(sandboxHost, sandboxPort);
    }

    /**
     * The broker's topics and offsets outlive a restart when it runs alone; run whole, as run.sh starts it, it
     * starts empty on every run, as it always has (PostgreSQL keeps its data either way).
     */
    boolean keepsKafkaData() {
        return part != null;
    }

    /**
     * The file that tells run.sh (and the end-to-end tests) how to reach what was started: {@code local-stack.env},
     * or {@code local-stack-<part>.env} for one part alone, so that parts started side by side do not share one.
     */
    Path environmentFile() {
        return dataDir.resolve(part == null ? "local-stack.env" : "local-stack-" + part + ".env");
    }

    private static boolean isSet(Map<String, String> env, String name) {
        String value = env.get(name);
        return value != null && !value.isBlank();
    }

    private static int port(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
    }
}
