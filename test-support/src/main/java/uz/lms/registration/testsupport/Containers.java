package uz.lms.registration.testsupport;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Kafka and PostgreSQL in containers, from the images compose.yaml runs. Under the Maven profile
 * {@code testcontainers} one pair serves every test of the JVM ({@link EmbeddedInfrastructure}); the
 * services' {@code TestXxxApplication}s start against a pair of their own ({@link KafkaContainerConnection},
 * {@link PostgresContainerConnection}). Without Ryuk (TESTCONTAINERS_RYUK_DISABLED=true, where its image
 * cannot be had) nothing reaps them: the JVM's pair is stopped by a shutdown hook, an application's with
 * its context.
 */
public final class Containers {

    private static final DockerImageName KAFKA = DockerImageName.parse("apache/kafka:4.1.2");
    private static final DockerImageName POSTGRES = DockerImageName.parse("postgres:18");

    private static KafkaContainer sharedKafka;
    private static PostgreSQLContainer sharedPostgres;

    private Containers() {}

    /** A broker like the embedded one: three partitions to a topic, and groups that form at once. */
    public static KafkaContainer kafka() {
        return new KafkaContainer(KAFKA)
                .withEnv("KAFKA_NUM_PARTITIONS", "3")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
    }

    /** The embedded database's credentials, {@code postgres}/{@code postgres}, so that tests need not know which runs. */
    public static PostgreSQLContainer postgres() {
        return new PostgreSQLContainer(POSTGRES).withUsername("postgres").withPassword("postgres");
    }

    static synchronized KafkaContainer sharedKafka() {
        if (sharedKafka == null) {
            sharedKafka = startedUntilExit(kafka());
        }
        return sharedKafka;
    }

    static synchronized PostgreSQLContainer sharedPostgres() {
        if (sharedPostgres == null) {
            sharedPostgres = startedUntilExit(postgres());
        }
        return sharedPostgres;
    }

    private static <C extends GenericContainer<?>> C startedUntilExit(C container) {
        container.start();
        Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "container-shutdown"));
        return container;
    }
}
