package uz.lms.registration.verification.outbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Publishes outbox rows: claims them in order with {@code FOR UPDATE SKIP LOCKED}, sends them, and
 * deletes in the same transaction the ones Kafka acknowledged. A record that fails stays for the next
 * sweep (at-least-once; consumers deduplicate by {@code event_id}). A row that cannot be opened is
 * dropped: it never will be, and it would hold back the user's later records.
 */
@Component
class OutboxPublisher {

    static final int BATCH = 500;

    private static final Logger log = LoggerFactory.getLogger(OutboxPublisher.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);
    private static final String CLAIM = """
            SELECT id, topic, record_key, payload FROM outbox
            WHERE %s
            ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED""";
    // A row whose user has older records on its topic still waiting (a failed publish) is left to the
    // sweep, which publishes in id order: one user's records never overtake.
    private static final String COMMITTED = """
            id IN (:ids) AND NOT EXISTS (
                SELECT 1 FROM outbox older
                WHERE older.topic = outbox.topic AND older.record_key = outbox.record_key
                  AND older.id < outbox.id AND older.id NOT IN (:ids))""";
    private static final String LEFT_BEHIND = "created_at < now() - make_interval(secs => :age)";

    private final JdbcClient jdbc;
    private final KafkaOperations<String, byte[]> kafka;
    private final PayloadCipher cipher;

    OutboxPublisher(JdbcClient jdbc, KafkaOperations<String, byte[]> kafka, PayloadCipher cipher) {
        this.jdbc = jdbc;
        this.kafka = kafka;
        this.cipher = cipher;
    }

    /** Publishes rows that transactions just committed ({@link #BATCH} at most), but none that must wait. */
    @Transactional
    void publishCommitted(Collection<Long> ids) {
        publish(COMMITTED, Map.of("ids", ids));
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
                        row.getBytes("payload")))
                .list();
        List<CompletableFuture<?>> acks = rows.stream().map(this::send).toList();
        List<Long> done = new ArrayList<>();
        int sent = 0;
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            try {
                acks.get(i).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                done.add(row.id());
                sent++;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception e) {
                if (e.getCause() instanceof Unopenable) {
                    log.error(
                            "record for {} dropped: its payload cannot be opened, was it sealed under another "
                                    + "verification.code-secret?",
                            row.topic());
                    done.add(row.id());
                } else {
                    log.warn("record for {} not published, the sweep will retry: {}", row.topic(), e.toString());
                }
            }
        }
        if (!done.isEmpty()) {
            jdbc.sql("DELETE FROM outbox WHERE id IN (:ids)").param("ids", done).update();
        }
        return sent;
    }

    private CompletableFuture<?> send(Row row) {
        byte[] payload;
        try {
            payload = cipher.open(row.payload());
        } catch (IllegalStateException e) {
            return CompletableFuture.failedFuture(new Unopenable());
        }
        try {
            return kafka.send(new ProducerRecord<>(row.topic(), row.recordKey(), payload));
        } catch (RuntimeException e) {
            // An invalid topic name fails here, before any future exists.
            return CompletableFuture.failedFuture(e);
        }
    }

    private static final class Unopenable extends RuntimeException {}

    record Row(long id, String topic, String recordKey, byte[] payload) {}
}
