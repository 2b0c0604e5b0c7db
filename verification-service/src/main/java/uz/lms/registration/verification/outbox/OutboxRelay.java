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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Publishes outbox rows and deletes them in one database transaction: rows are claimed with
 * {@code FOR UPDATE SKIP LOCKED}, sent, and the delete commits only once Kafka acknowledged every
 * record. A failure leaves the rows for the next sweep (at-least-once; consumers are idempotent).
 * <p>
 * Committed rows are handed to one publishing thread, in commit order, so that one user's records
 * keep their order, the committing thread gives its connection back at once, and the rows of many
 * commits go out in one batch.
 */
@Component
class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final int BATCH = 500;
    private static final long SEND_TIMEOUT_SECONDS = 10;

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
                publish(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    /** Never throws: the sweep retries what fails. */
    private void publish(List<Long> ids) {
        try {
            publishClaimed("""
                    DELETE FROM outbox WHERE id IN (
                        SELECT id FROM outbox WHERE id IN (:ids) FOR UPDATE SKIP LOCKED)
                    RETURNING id, topic, kafka_partition, record_key, correlation_id, payload""",
                    Map.of("ids", ids));
        } catch (RuntimeException e) {
            log.warn("outbox publish failed, the sweep will retry: {}", e.toString());
        }
    }

    /** Publishes rows that were left behind: a failed send, or a crash between commit and send. */
    @Scheduled(fixedDelayString = "${verification.outbox-sweep-interval}",
            initialDelayString = "${verification.outbox-sweep-interval}")
    void sweep() {
        int published = publishClaimed("""
                DELETE FROM outbox WHERE id IN (
                    SELECT id FROM outbox WHERE created_at < now() - make_interval(secs => :age)
                    ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED)
                RETURNING id, topic, kafka_partition, record_key, correlation_id, payload""",
                Map.of("age", (double) properties.outboxSweepInterval().toMillis() / 1000, "limit", BATCH));
        if (published > 0) {
            log.warn("outbox sweep published {} records left behind", published);
        }
    }

    private int publishClaimed(String claim, Map<String, Object> parameters) {
        Integer sent = newTransaction.execute(status -> {
            List<Row> rows = jdbc.sql(claim).params(parameters).query(Row.class).list().stream()
                    .sorted(Comparator.comparingLong(Row::id))
                    .toList();
            CompletableFuture<?>[] acks = rows.stream().map(this::send).toArray(CompletableFuture[]::new);
            try {
                CompletableFuture.allOf(acks).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("Kafka did not acknowledge the outbox records", e);
            }
            return rows.size();
        });
        return sent == null ? 0 : sent;
    }

    private CompletableFuture<?> send(Row row) {
        var record = new ProducerRecord<>(row.topic(), row.kafkaPartition(), row.recordKey(), cipher.open(row.payload()));
        if (row.correlationId() != null) {
            record.headers().add(KafkaHeaders.CORRELATION_ID, row.correlationId());
        }
        return kafka.send(record);
    }

    @Override
    public void start() {
        publisher = Thread.ofPlatform().name("outbox-publisher").start(this::publishCommitted);
    }

    /** Stops after publishing what was committed before, so a clean shutdown leaves nothing behind. */
    @Override
    public void stop() {
        Thread running = publisher;
        publisher = null;
        if (running != null) {
            try {
                running.join(Duration.ofSeconds(SEND_TIMEOUT_SECONDS));
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

    record Row(long id, String topic, Integer kafkaPartition, String recordKey, byte[] correlationId, byte[] payload) {
    }
}
