package uz.lms.registration.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** The development entry point: the service on containers of its own, which stop with it. */
@Tag("docker")
class TestVerificationServiceApplicationTests {

    @Test
    void startsTheServiceOnAKafkaAndAPostgresqlInContainersAndStopsThemWithIt() {
        assumeTrue(DockerClientFactory.instance().isDockerAvailable(), "Docker's engine does not answer: skipped");

        KafkaContainer kafka;
        PostgreSQLContainer postgres;
        try (ConfigurableApplicationContext context =
                TestVerificationServiceApplication.run("--server.port=0").getApplicationContext()) {
            kafka = context.getBean(KafkaContainer.class);
            postgres = context.getBean(PostgreSQLContainer.class);
            assertThat(context.getBean(KafkaConnectionDetails.class).getBootstrapServers())
                    .containsExactly(kafka.getBootstrapServers());
            assertThat(context.getBean(JdbcConnectionDetails.class).getJdbcUrl())
                    .isEqualTo(postgres.getJdbcUrl());
            // Flyway migrated the container's database: the service's tables are there, and empty.
            assertThat(context.getBean(JdbcClient.class)
                            .sql("SELECT count(*) FROM users")
                            .query(Long.class)
                            .single())
                    .isZero();
        }

        assertThat(kafka.isRunning()).isFalse();
        assertThat(postgres.isRunning()).isFalse();
    }
}
