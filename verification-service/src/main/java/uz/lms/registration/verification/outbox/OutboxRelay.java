package uz.lms.registration.verification.outbox;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import uz.lms.registration.verification.VerificationProperties;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Publishes outbox rows: claims them with {@code FOR UPDATE SKIP LOCKED}, sends them, and deletes
 * in the same transaction the ones Kafka acknowledged. An event that fails stays for the next sweep
 * (at-least-once; consumers are idempotent). A reply that fails is dropped: by the time a retry
 * could succeed its requester has given up, and a bad reply address must not stall the outbox.
 * <p>
 * Committed rows are handed to one publishing thread, in commit order, so that one user's records
 * keep their order, the committing thread gives its connection back at once, and the rows of many
 * commits go out in one batch.
 */
@Component
class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final int BATCH = 500;
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    private final JdbcClient jdbc;
    private final KafkaOperations<String, byte[]> kafka;
    private final PayloadCipher cipher;
    private final TransactionTemplate newTransaction;
    private final VerificationProperties properties;
    private final BlockingQueue<Long> committed = new LinkedBlockingQueue<>();
    private volatile Thread publisher;

    OutboxRelay(JdbcClient jdbc, KafkaOperations<String, byte[]> kafka, PayloadCipher cipher,
                PlatformTransactionManager transactions, VerificationProperties properties) {
        this.jdbc = jdbc;
        this.kafka = kafka;
        this.cipher = cipher;
        this.newTransaction = new TransactionTemplate(transactions);
        this.newTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.properties = properties;
    }

    /** Queues the rows a transaction just committed for publishing. */
    void committed(List<Long> ids) {
        committed.addAll(ids);
    }

    /** Publishes rows that were left behind: a failed send, or a crash between commit and send. */
    @Scheduled(fixedDelayString = "${verification.outbox-sweep-interval}",
            initialDelayString = "${verification.outbox-sweep-interval}")
    void sweep() {
        int published = publish("""
                SELECT id, topic, kafka_partition, record_key, correlation_id, payload FROM outbox
                WHERE created_at < now() - make_interval(secs => :age)
                ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED""",
                Map.of("age", properties.outboxSweepInterval().toMillis() / 1000.0, "limit", BATCH));
        if (published > 0) {
            log.warn("outbox sweep published {} records left behind", published);
        }
    }

    private void publishCommitted() {
        List<Long> batch = new ArrayList<>();
        while (isRunning() || !committed.isEmpty()) {
            try {
                Long first = committed.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                committed.drainTo(batch, BATCH - 1);
                // A row whose user has older records on its topic still waiting (a failed publish) is
                // left to the sweep, which publishes in id order: one user's records never overtake.
                publish("""
                        SELECT id, topic, kafka_partition, record_key, correlation_id, payload FROM outbox
                        WHERE id IN (:ids) AND NOT EXISTS (
                            SELECT 1 FROM outbox older
                            WHERE older.topic = outbox.topic AND older.record_key = outbox.record_key
                              AND older.id < outbox.id AND older.id NOT IN (:ids))
                        ORDER BY id FOR UPDATE SKIP LOCKED""", Map.of("ids", batch));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("outbox publish failed, the sweep will retry: {}", e.toString());
            } finally {
                batch.clear();
            }
        }
    }

    /** @return how many of the claimed rows were published */
    private int publish(String claim, Map<String, Object> parameters) {
        Integer published = newTransaction.execute(status -> {
            List<Row> rows = jdbc.sql(claim).params(parameters).query(Row.class).list();
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
                        log.error("record for {} dropped: its payload cannot be opened, was it sealed under another "
                                + "verification.code-secret?", row.topic());
                        done.add(row.id());
                    } else if (row.correlationId() != null) {
                        log.warn("reply to {} dropped: {}", row.topic(), e.toString());
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
        });
        return published == null ? 0 : published;
    }

    private CompletableFuture<?> send(Row row) {
        byte[] payload;
        try {
            payload = cipher.open(row.payload());
        } catch (IllegalStateException e) {
            // A row that cannot be opened never will be: retrying it would hold back the user's later records.
            return CompletableFuture.failedFuture(new Unopenable());
        }
        try {
            var record = new ProducerRecord<>(row.topic(), row.kafkaPartition(), row.recordKey(), payload);
            if (row.correlationId() != null) {
                record.headers().add(KafkaHeaders.CORRELATION_ID, row.correlationId());
            }
            return kafka.send(record);
        } catch (RuntimeException e) {
            // An invalid topic name or partition fails here, before any future exists.
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void start() {
        // Assigned before it runs: the thread's loop lasts while isRunning() sees it.
        Thread thread = Thread.ofPlatform().name("outbox-publisher").unstarted(this::publishCommitted);
        publisher = thread;
        thread.start();
    }

    /** Stops after publishing what was committed before, so a clean shutdown leaves nothing behind. */
    @Override
    public void stop() {
        Thread running = publisher;
        publisher = null;
        if (running != null) {
            try {
                running.join(SEND_TIMEOUT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return publisher != null;
    }

    /** Starts before and stops after the Kafka listeners, whose commits it publishes. */
    @Override
    public int getPhase() {
        return KafkaListenerEndpointRegistry.DEFAULT_PHASE - 100;
    }

    private static final class Unopenable extends RuntimeException {
    }

    record Row(long id, String topic, Integer kafkaPartition, String recordKey, byte[] correlationId, byte[] payload) {
    }
}
