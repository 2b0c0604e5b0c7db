package uz.lms.registration.verification.outbox;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Publishes outbox rows in batches. One statement claims a batch and deletes it ({@code DELETE ... RETURNING}
 * over rows taken in order with {@code FOR UPDATE SKIP LOCKED}, so that two instances never take the same
 * row); every row is sent at once and the acknowledgements awaited together; a row whose send failed is put
 * back, under its own id, in the same transaction, for the next sweep; the commit then makes the rest final.
 * At least once: a crash before the commit restores every row, and consumers deduplicate by
 * {@code event_id}. A row that cannot be opened (another secret, or a payload sealed for another topic or key:
 * {@link PayloadCipher}) is dropped: it never will be, and it would hold back the user's later records.
 *
 * <p>A row that kept its command's trace ({@link Outbox}) is sent in a span {@code outbox publish}, child of that
 * command's span, so that the record continues the command's trace however late it goes; a row without one goes
 * in a trace of its own.
 */
@Component
class OutboxPublisher {

    static final int BATCH = 500;

    private static final Logger log = LoggerFactory.getLogger(OutboxPublisher.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);
    // Sent in id order, which the DELETE does not return them in.
    private static final String CLAIM = """
            WITH claimed AS (
                DELETE FROM outbox WHERE id IN (
                    SELECT id FROM outbox WHERE %s ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED)
                RETURNING id, topic, record_key, payload, created_at, traceparent)
            SELECT * FROM claimed ORDER BY id""";
    // A row whose user has older records on its topic still waiting (a failed publish) is left to the
    // sweep, which publishes in id order: one user's records never overtake.
    private static final String COMMITTED = """
            id IN (:ids) AND NOT EXISTS (
                SELECT 1 FROM outbox older
                WHERE older.topic = outbox.topic AND older.record_key = outbox.record_key
                  AND older.id < outbox.id AND older.id NOT IN (:ids))""";
    private static final String LEFT_BEHIND = "created_at < now() - make_interval(secs => :age)";
    private static final String RESTORE =
            "INSERT INTO outbox (id, topic, record_key, payload, created_at, traceparent) OVERRIDING SYSTEM VALUE VALUES ";

    private final JdbcClient jdbc;
    private final KafkaOperations<String, byte[]> kafka;
    private final PayloadCipher cipher;
    private final Tracer tracer;
    private final Propagator propagator;

    OutboxPublisher(
            JdbcClient jdbc,
            KafkaOperations<String, byte[]> kafka,
            PayloadCipher cipher,
            Tracer tracer,
            Propagator propagator) {
        this.jdbc = jdbc;
        this.kafka = kafka;
        this.cipher = cipher;
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /**
     * Publishes rows that transactions just committed ({@link #BATCH} at most), but none that must wait.
     *
     * @return how many were published
     */
    @Transactional
    int publishCommitted(Collection<Long> ids) {
        return publish(COMMITTED, Map.of("ids", ids));
    }

    /**
     * Publishes rows older than {@code age}: a failed send, or a crash between commit and send.
     *
     * @return how many were published
     */
    @Transactional
    int publishLeftBehind(Duration age) {
        return publish(LEFT_BEHIND, Map.of("age", age.toMillis() / 1000.0));
    }

    private int publish(String condition, Map<String, Object> parameters) {
        List<Row> rows = jdbc.sql(CLAIM.formatted(condition))
                .params(parameters)
                .param("limit", BATCH)
                // By column name: a mapper by the record's properties tries each camel-case name first, and the
                // driver answers a missing column with an exception.
                .query((row, rowNumber) -> new Row(
                        row.getLong("id"),
                        row.getString("topic"),
                        row.getString("record_key"),
                        row.getBytes("payload"),
                        row.getObject("created_at", OffsetDateTime.class),
                        row.getString(Outbox.TRACEPARENT)))
                .list();
        List<CompletableFuture<?>> acks = rows.stream().map(this::send).toList();
        List<Row> failed = new ArrayList<>();
        int sent = 0;
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            try {
                acks.get(i).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                sent++;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failed.addAll(rows.subList(i, rows.size()));
                break;
            } catch (Exception e) {
                if (e.getCause() instanceof Unopenable) {
                    log.error(
                            "record for {} dropped: its payload cannot be opened, was it sealed under another "
                                    + "verification.code-secret, for another topic or key, or before payloads "
                                    + "were bound to them?",
                            row.topic());
                } else {
                    log.warn("record for {} not published, the sweep will retry: {}", row.topic(), e.toString());
                    failed.add(row);
                }
            }
        }
        if (!failed.isEmpty()) {
            restore(failed);
        }
        return sent;
    }

    /** Puts rows back as they were, ids and times included, so that they keep their place in every order. */
    private void restore(List<Row> rows) {
        List<@Nullable Object> values = new ArrayList<>(rows.size() * 6);
        for (Row row : rows) {
            values.addAll(List.of(row.id(), row.topic(), row.recordKey(), row.payload(), row.createdAt()));
            values.add(row.traceparent());
        }
        jdbc.sql(RESTORE + String.join(", ", Collections.nCopies(rows.size(), "(?, ?, ?, ?, ?, ?)")))
                .params(values)
                .update();
    }

    private CompletableFuture<?> send(Row row) {
        byte[] payload;
        try {
            payload = cipher.open(row.topic(), row.recordKey(), row.payload());
        } catch (IllegalStateException e) {
            return CompletableFuture.failedFuture(new Unopenable());
        }
        var record = new ProducerRecord<>(row.topic(), row.recordKey(), payload);
        if (row.traceparent() == null) {
            return send(record);
        }
        Span publish = propagator
                .extract(Map.of(Outbox.TRACEPARENT, row.traceparent()), Map::get)
                .name("outbox publish")
                .start();
        try (var scope = tracer.withSpan(publish)) {
            return send(record);
        } finally {
            publish.end();
        }
    }

    private CompletableFuture<?> send(ProducerRecord<String, byte[]> record) {
        try {
            return kafka.send(record);
        } catch (RuntimeException e) {
            // An invalid topic name fails here, before any future exists.
            return CompletableFuture.failedFuture(e);
        }
    }

    private static final class Unopenable extends RuntimeException {}

    record Row(
            long id,
            String topic,
            String recordKey,
            byte[] payload,
            OffsetDateTime createdAt,
            @Nullable String traceparent) {}
}
