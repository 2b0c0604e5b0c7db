package uz.lms.registration.testsupport;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Bean;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** A PostgreSQL in a container for a service started from its {@code TestXxxApplication}; stopped with it. */
@TestConfiguration(proxyBeanMethods = false)
public class PostgresContainerConnection {

    @Bean
    @ServiceConnection
    PostgreSQLContainer postgresContainer() {
        return Containers.postgres();
    }
}
