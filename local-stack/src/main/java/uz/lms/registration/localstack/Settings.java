package uz.lms.registration.localstack;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;

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
 */
record Settings(Path dataDir, int kafkaPort, int postgresPort, int sandboxPort, String sandboxHost) {

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
                        : InetAddress.getLoopbackAddress().getHostAddress());
    }

    /** The sandbox alone, as compose.yaml's {@code sandbox} profile runs it beside a real Kafka and PostgreSQL. */
    static Settings sandboxOnly(Map<String, String> env) {
        Settings settings = from(env);
        return new Settings(settings.dataDir, 0, 0, port(env, "LOCAL_STACK_SANDBOX_PORT", 8090), settings.sandboxHost);
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

    /** The file that tells run.sh (and the end-to-end test) how to reach what was started. */
    Path environmentFile() {
        return dataDir.resolve("local-stack.env");
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
