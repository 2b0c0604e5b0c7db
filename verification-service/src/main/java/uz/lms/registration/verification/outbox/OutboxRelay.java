package uz.lms.registration.verification.outbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import uz.lms.registration.verification.VerificationProperties;

/**
 * When the {@link OutboxPublisher} runs: right after a transaction that appended records commits, and
 * every sweep interval for what was left behind.
 * <p>
 * Committed rows are handed to one publishing thread, in commit order, so that one user's records
 * keep their order, the committing thread gives its connection back at once, and the rows of many
 * commits go out in one batch.
 */
@Component
class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final OutboxPublisher publisher;
    private final VerificationProperties properties;
    private final BlockingQueue<Long> committed = new LinkedBlockingQueue<>();
    private volatile @Nullable Thread thread;

    OutboxRelay(OutboxPublisher publisher, VerificationProperties properties) {
        this.publisher = publisher;
        this.properties = properties;
    }

    /** Runs on the thread that committed, which only queues the row and goes on. */
    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT)
    void committed(Outbox.Appended appended) {
        committed.add(appended.id());
    }

    /** Publishes rows that were left behind: a failed send, or a crash between commit and send. */
    @Scheduled(
            fixedDelayString = "${verification.outbox-sweep-interval}",
            initialDelayString = "${verification.outbox-sweep-interval}")
    void sweep() {
        int published = publisher.publishLeftBehind(properties.outboxSweepInterval());
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
                committed.drainTo(batch, OutboxPublisher.BATCH - 1);
                publisher.publishCommitted(batch);
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

    /** Whether the publishing thread is alive: false before start, after stop, and if it died. */
    boolean publishing() {
        Thread running = thread;
        return running != null && running.isAlive();
    }

    @Override
    public void start() {
        // Assigned before it runs: the thread's loop lasts while isRunning() sees it.
        Thread publishing = Thread.ofPlatform().name("outbox-publisher").unstarted(this::publishCommitted);
        thread = publishing;
        publishing.start();
    }

    /** Stops after publishing what was committed before, so a clean shutdown leaves nothing behind. */
    @Override
    public void stop() {
        Thread running = thread;
        thread = null;
        if (running != null) {
            try {
                running.join(STOP_TIMEOUT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return thread != null;
    }

    /** Starts before and stops after the Kafka listeners, whose commits it publishes. */
    @Override
    public int getPhase() {
        return KafkaListenerEndpointRegistry.DEFAULT_PHASE - 100;
    }
}
