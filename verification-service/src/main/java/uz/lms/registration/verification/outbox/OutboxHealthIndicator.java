package uz.lms.registration.verification.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import uz.lms.registration.verification.VerificationProperties;

/**
 * Health's {@code outbox}: down when the publishing thread is dead or the oldest unpublished row is
 * older than {@code verification.outbox-stuck-after}, i.e. when events and codes no longer leave.
 * Both show as gauges too: {@code verification.outbox.age} (seconds, 0 when empty) and
 * {@code verification.outbox.publisher.alive} (1 or 0), each read once a scrape. Not part of readiness: a broker
 * outage holds rows back on every instance alike, and taking them out of service would not help it.
 */
@Component
class OutboxHealthIndicator extends AbstractHealthIndicator {

    private final JdbcClient jdbc;
    private final OutboxRelay relay;
    private final Duration stuckAfter;
    private final Clock clock;

    OutboxHealthIndicator(
            JdbcClient jdbc, OutboxRelay relay, VerificationProperties properties, Clock clock, MeterRegistry meters) {
        super("Outbox health check failed");
        this.jdbc = jdbc;
        this.relay = relay;
        this.stuckAfter = properties.outboxStuckAfter();
        this.clock = clock;
        Gauge.builder("verification.outbox.age", this, health -> health.oldest().toMillis() / 1000.0)
                .baseUnit("seconds")
                .description("Age of the oldest outbox row not yet published; 0 when the outbox is empty")
                .register(meters);
        Gauge.builder("verification.outbox.publisher.alive", relay, publisher -> publisher.publishing() ? 1 : 0)
                .description("1 while the thread that publishes committed outbox rows runs")
                .register(meters);
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Duration oldest = oldest();
        boolean publishing = relay.publishing();
        (publishing && oldest.compareTo(stuckAfter) <= 0 ? builder.up() : builder.down())
                .withDetail("publisher_alive", publishing)
                .withDetail("oldest_row_age", oldest.toString());
    }

    /**
     * The age of the oldest row, by this service's clock; zero when there is none. One read of the primary key's
     * first entry. A row's time is the database's: a clock behind it by a little reads as zero, not a negative age.
     */
    private Duration oldest() {
        return jdbc.sql("SELECT created_at FROM outbox ORDER BY id LIMIT 1")
                .query(OffsetDateTime.class)
                .optional()
                .map(createdAt -> Duration.between(createdAt.toInstant(), clock.instant()))
                .filter(Duration::isPositive)
                .orElse(Duration.ZERO);
    }
}
