package uz.lms.registration.gateway.messaging;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;
import uz.lms.registration.client.VerificationClient;

/**
 * Part of readiness ({@code kafka}): up when the broker answers and this instance's reply partitions
 * are assigned, i.e. when a request can be sent and its reply received.
 */
@Component
class KafkaHealthIndicator extends AbstractHealthIndicator implements DisposableBean {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final Admin admin;
    private final VerificationClient verificationClient;

    KafkaHealthIndicator(KafkaAdmin kafkaAdmin, VerificationClient verificationClient) {
        super("Kafka health check failed");
        this.admin = Admin.create(kafkaAdmin.getConfigurationProperties());
        this.verificationClient = verificationClient;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws Exception {
        String clusterId = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) TIMEOUT.toMillis()))
                .clusterId()
                .get(TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
        boolean assigned = verificationClient.replyPartitionsAssigned();
        (assigned ? builder.up() : builder.down())
                .withDetail("cluster_id", clusterId)
                .withDetail("reply_partitions_assigned", assigned);
    }

    @Override
    public void destroy() {
        admin.close(TIMEOUT);
    }
}
