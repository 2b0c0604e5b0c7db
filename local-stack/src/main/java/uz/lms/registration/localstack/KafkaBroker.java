package uz.lms.registration.localstack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * One Kafka node in KRaft mode, broker and controller in one, run by Kafka's own {@link KafkaRaftServer}
 * on a log directory of our choosing, so that topics and committed offsets outlive a restart on the
 * same directory and port (spring-kafka-test's embedded broker keeps them in directories it deletes).
 * The directory is formatted as {@code kafka-storage.sh format} does, once: a formatted one is reused with the
 * cluster id it holds.
 */
final class KafkaBroker implements AutoCloseable {

    private final KafkaRaftServer server;

    private KafkaBroker(KafkaRaftServer server) {
        this.server = server;
    }

    /** Starts a node whose clients connect on {@code localhost:port}, keeping its data in {@code directory}. */
    static KafkaBroker start(Path directory, int port) throws IOException {
        Path logs = Files.createDirectories(directory.resolve("logs"));
        // The controller's quorum is static, read from this file on every start rather than kept in the log:
        // any free port will do, and no second fixed port can collide with another stack's.
        int controllerPort = freePort();
        Properties config = new Properties();
        config.put("process.roles", "broker,controller");
        config.put("node.id", "1");
        config.put("controller.quorum.voters", "1@localhost:" + controllerPort);
        config.put("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
        config.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        config.put("controller.listener.names", "CONTROLLER");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("log.dirs", logs.toString());
        // No topic here: each service creates the topics it owns, with its own partition count and retention,
        // and the broker creates none itself, so that no client that merely reads or writes a topic first
        // (the bot's listener on verification.codes, say) creates it without them.
        config.put("auto.create.topics.enable", "false");
        config.put("num.partitions", "3");
        config.put("offsets.topic.replication.factor", "1");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        // The log cleaner (of compacted topics: the committed offsets) keeps its map of keys in one heap buffer of
        // 128 MB by default, two thirds of the broker's live heap; a few groups' offsets need a fraction of 8 MB.
        config.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        // A group's first member does not wait 3 s for others: one machine, services that start one by one.
        config.put("group.initial.rebalance.delay.ms", "0");
        Path file = directory.resolve("server.properties");
        try (Writer writer = Files.newBufferedWriter(file)) {
            config.store(writer, "written by local-stack at each start");
        }
        if (!Files.exists(logs.resolve("meta.properties"))) {
            format(file);
        }
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(config), Time.SYSTEM);
        server.startup();
        return new KafkaBroker(server);
    }

    /** {@code kafka-storage.sh format} with a new cluster id. */
    private static void format(Path file) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int status;
        try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            status = StorageTool.execute(
                    new String[] {
                        "format",
                        "--config",
                        file.toString(),
                        "--cluster-id",
                        Uuid.randomUuid().toString()
                    },
                    print);
        }
        if (status != 0) {
            throw new IllegalStateException(
                    "Kafka's storage format failed: " + output.toString(StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for Kafka's controller", e);
        }
    }
}
