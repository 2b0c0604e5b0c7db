package uz.lms.registration.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.DriverManager;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

class EmbeddedInfrastructureTests {

    @Test
    void brokerAnswersAdminRequests() throws Exception {
        try (Admin admin = Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedInfrastructure.bootstrapServers()))) {
            assertThat(admin.describeCluster().nodes().get()).hasSize(1);
        }
    }

    @Test
    void eachCallerGetsADatabaseOfItsOwn() throws Exception {
        String first = EmbeddedInfrastructure.newDatabase();
        String second = EmbeddedInfrastructure.newDatabase();

        assertThat(first).isNotEqualTo(second);
        try (var connection = DriverManager.getConnection(first, "postgres", "postgres");
                var result = connection.createStatement().executeQuery("SHOW server_version")) {
            result.next();
            assertThat(result.getString(1)).startsWith("18");
        }
    }
}
