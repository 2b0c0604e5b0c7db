package uz.lms.registration.verification.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import uz.lms.registration.verification.VerificationProperties;

/**
 * Health's {@code outbox}: down when the publishing thread is dead or the oldest unpublished row is
 * older than {@code verification.outbox-stuck-after}, i.e. when events and codes no longer leave.
 * Both show as gauges too: {@code verification.outbox.oldest.age} (seconds, 0 when empty) and
 * {@code verification.outbox.publisher.alive} (1 or 0). Not part of readiness: a broker outage holds
 * rows back on every instance alike, and taking them out of service would not help it.
 */
@Component
class OutboxHealthIndicator extends AbstractHealthIndicator {

    private final JdbcClient jdbc;
    private final OutboxRelay relay;
    private final Duration stuckAfter;

    OutboxHealthIndicator(JdbcClient jdbc, OutboxRelay relay, VerificationProperties properties, MeterRegistry meters) {
        super("Outbox health check failed");
        this.jdbc = jdbc;
        this.relay = relay;
        this.stuckAfter = properties.outboxStuckAfter();
        Gauge.builder(
                        "verification.outbox.oldest.age",
                        this,
                        health -> health.oldest().orElse(Duration.ZERO).toMillis() / 1000.0)
                .baseUnit("seconds")
                .description("age of the oldest outbox row not yet published")
                .register(meters);
        Gauge.builder("verification.outbox.publisher.alive", relay, publisher -> publisher.publishing() ? 1 : 0)
                .description("1 while the thread that publishes committed outbox rows runs")
                .register(meters);
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Duration oldest = oldest().orElse(Duration.ZERO);
        boolean publishing = relay.publishing();
        (publishing && oldest.compareTo(stuckAfter) <= 0 ? builder.up() : builder.down())
                .withDetail("publisher_alive", publishing)
                .withDetail("oldest_row_age", oldest.toString());
    }

    private Optional<Duration> oldest() {
        return jdbc.sql(
                        "SELECT (extract(epoch FROM now() - created_at) * 1000)::bigint FROM outbox ORDER BY id LIMIT 1")
                .query(Long.class)
                .optional()
                .map(Duration::ofMillis);
    }
}
