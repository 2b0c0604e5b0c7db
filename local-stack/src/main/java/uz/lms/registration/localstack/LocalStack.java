package uz.lms.registration.localstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import uz.lms.registration.sandbox.FakeTelegram;
import uz.lms.registration.sandbox.FakeTelegramServer;
import uz.lms.registration.sandbox.WebChat;

/**
 * Starts, in one process, what the services need on a developer's machine: a real Kafka broker (KRaft),
 * a real PostgreSQL whose data survives a restart, and the Telegram sandbox. Writes the settings the
 * services need to {@code <data dir>/local-stack.env} once everything is up (run.sh waits for that file)
 * and stops everything on SIGINT/SIGTERM. With the argument {@code watch} it prints the records on the
 * topics instead ({@link TopicWatch}); with {@code kafka}, {@code postgres} or {@code sandbox} it runs that
 * part alone, on its fixed port, and writes {@code local-stack-<part>.env}: the broker and the database then
 * keep their data across a stop and a start, so that each can be stopped while the rest runs on.
 */
public final class LocalStack {

    private static final Logger log = LoggerFactory.getLogger(LocalStack.class);
    /** Not a secret: the sandbox holds nobody's data, and listens on the loopback address unless in a container. */
    private static final String SANDBOX_TOKEN = "7000000001:local-sandbox";

    private final Settings settings;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final Map<String, String> environment = new LinkedHashMap<>();

    private LocalStack(Settings settings) {
        this.settings = settings;
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length == 1 && args[0].equals("watch")) {
            TopicWatch.watch(
                    System.getenv().getOrDefault("SPRING_KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"), System.out);
            return;
        }
        if (args.length > 1 || (args.length == 1 && !Settings.PARTS.contains(args[0]))) {
            System.err.println("usage: java -jar local-stack-exec.jar [watch | kafka | postgres | sandbox]");
            System.exit(2);
        }
        LocalStack stack = new LocalStack(
                args.length == 1 ? Settings.only(args[0], System.getenv()) : Settings.from(System.getenv()));
        // Stop before the JVM's shutdown hooks run: the broker's own hooks delete its directories under it.
        for (String name : List.of("INT", "TERM")) {
            Signal.handle(new Signal(name), signal -> {
                stack.stop();
                System.exit(0);
            });
        }
        Runtime.getRuntime().addShutdownHook(new Thread(stack::stop, "local-stack-shutdown"));
        try {
            stack.start();
        } catch (Exception | LinkageError e) {
            log.error("local stack did not start", e);
            System.exit(1);
        }
        new CountDownLatch(1).await();
    }

    private synchronized void start() throws IOException {
        Files.createDirectories(settings.dataDir());
        Files.deleteIfExists(settings.environmentFile());
        if (settings.startsKafka()) {
            startKafka();
        }
        if (settings.startsPostgres()) {
            startPostgres();
        }
        if (settings.startsSandbox()) {
            startSandbox();
        }
        writeEnvironment();
        log.info("local stack ready; settings for the services in {}", settings.environmentFile());
    }

    private void startKafka() throws IOException {
        Path data = settings.dataDir().resolve("kafka");
        if (!settings.keepsKafkaData()) {
            Utils.delete(data.toFile());
        }
        started.push(KafkaBroker.start(data, settings.kafkaPort()));
        String bootstrapServers = "localhost:" + settings.kafkaPort();
        environment.put("SPRING_KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        log.info("Kafka (embedded, KRaft) on {}, data in {}", bootstrapServers, data);
    }

    private void startPostgres() throws IOException {
        Path data = settings.dataDir().resolve("postgres");
        // Later on the command line than the -F (fsync off) the embedded server is started with, so they win.
        String durable = settings.postgresDurable() ? "on" : "off";
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setServerConfig("fsync", durable)
                .setServerConfig("synchronous_commit", durable)
                .setServerConfig("full_page_writes", durable)
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setPort(settings.postgresPort())
                .start();
        started.push(postgres);
        String url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
        environment.put("SPRING_DATASOURCE_URL", url);
        environment.put("SPRING_DATASOURCE_USERNAME", "postgres");
        environment.put("SPRING_DATASOURCE_PASSWORD", "postgres");
        log.info(
                "PostgreSQL (embedded) on {}, data in {}, commits {}",
                url,
                data,
                settings.postgresDurable() ? "flushed to disk" : "not flushed (LOCAL_STACK_POSTGRES_DURABLE=false)");
    }

    private void startSandbox() {
        FakeTelegramServer sandbox =
                FakeTelegramServer.start(new FakeTelegram(), SANDBOX_TOKEN, settings.sandboxAddress());
        WebChat.serveOn(sandbox);
        started.push(sandbox);
        environment.put("TELEGRAM_API_URL", sandbox.apiUrl().toString());
        environment.put("TELEGRAM_BOT_TOKEN", SANDBOX_TOKEN);
        // run.sh's banner points people at the web chat only when the sandbox stands in for Telegram.
        environment.put("LOCAL_STACK_WEB_CHAT", sandbox.apiUrl() + "/");
        log.info("Telegram sandbox: Bot API on {}, web chat on {}/", sandbox.apiUrl(), sandbox.apiUrl());
    }

    /** Written last and atomically: its presence means everything is up. */
    private void writeEnvironment() throws IOException {
        StringBuilder lines = new StringBuilder();
        environment.forEach(
                (name, value) -> lines.append(name).append('=').append(value).append('\n'));
        Path partial = Files.createTempFile(settings.dataDir(), "local-stack", ".env");
        Files.writeString(partial, lines);
        Files.move(partial, settings.environmentFile(), StandardCopyOption.ATOMIC_MOVE);
    }

    private synchronized void stop() {
        if (started.isEmpty()) {
            return;
        }
        try {
            Files.deleteIfExists(settings.environmentFile());
        } catch (IOException e) {
            log.warn("could not delete {}", settings.environmentFile(), e);
        }
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                log.warn("a part of the local stack did not stop cleanly", e);
            }
        }
        log.info("local stack stopped");
    }
}
