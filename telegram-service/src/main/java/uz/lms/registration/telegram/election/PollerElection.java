package uz.lms.registration.telegram.election;

import java.time.Duration;
import java.util.Collection;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.StickyAssignor;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.stereotype.Component;
import uz.lms.registration.telegram.TelegramProperties;
import uz.lms.registration.telegram.TelegramTopics;
import uz.lms.registration.telegram.bot.ConditionalOnBotToken;
import uz.lms.registration.telegram.polling.UpdatePoller;

/**
 * Elects the one instance that polls Telegram. Every instance that may poll joins one consumer group
 * on the single-partition topic {@code telegram.poller}; the member assigned the partition polls.
 * Nothing is produced to the topic: the group membership is the lock. The assignor is eager, so every
 * member gives the partition up, and so stops polling, before the group assigns it again; a member
 * that crashed loses it when its session times out.
 */
@Component
@ConditionalOnBotToken
class PollerElection implements SmartLifecycle, ConsumerRebalanceListener {

    private static final String GROUP = "telegram-poller";

    private static final Logger log = LoggerFactory.getLogger(PollerElection.class);
    private static final TopicPartition LOCK = new TopicPartition(TelegramTopics.POLLER, 0);
    /** How long a rebalance waits for every member to rejoin; a revoked poller stops well within it. */
    private static final Duration REBALANCE_TIMEOUT = Duration.ofSeconds(30);

    private final UpdatePoller poller;
    private final boolean enabled;
    private final ConcurrentMessageListenerContainer<String, Object> container;
    private volatile boolean running;

    PollerElection(
            UpdatePoller poller,
            ConcurrentKafkaListenerContainerFactory<String, Object> containers,
            TelegramProperties properties) {
        this.poller = poller;
        this.enabled = properties.polling().enabled();
        Duration session = properties.polling().sessionTimeout();
        this.container = containers.createContainer(TelegramTopics.POLLER);
        container.setBeanName(GROUP);
        container.setConcurrency(1);
        ContainerProperties settings = container.getContainerProperties();
        settings.setGroupId(GROUP);
        settings.setConsumerRebalanceListener(this);
        settings.setMessageListener((MessageListener<String, Object>) record -> {});
        Properties consumer = new Properties();
        // Eager, not cooperative: the old owner's revocation completes before the new owner's assignment.
        // Sticky: an instance joining the group leaves polling where it is.
        consumer.setProperty(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, StickyAssignor.class.getName());
        consumer.setProperty(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, String.valueOf(session.toMillis()));
        // The survivors hear of a departure at their next heartbeat.
        consumer.setProperty(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, String.valueOf(session.toMillis() / 5));
        consumer.setProperty(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, String.valueOf(REBALANCE_TIMEOUT.toMillis()));
        settings.setKafkaConsumerProperties(consumer);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        if (partitions.contains(LOCK)) {
            log.info("this instance holds the poller lock group={}", GROUP);
            poller.start();
        }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (partitions.contains(LOCK)) {
            poller.stop();
            log.info("this instance gave the poller lock up group={}", GROUP);
        }
    }

    /** The session expired: another instance may already be polling. */
    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        if (partitions.contains(LOCK)) {
            poller.stop();
            log.warn("this instance lost the poller lock group={}", GROUP);
        }
    }

    @Override
    public void start() {
        if (!enabled) {
            log.info("telegram polling disabled on this instance (telegram.polling.enabled=false)");
            return;
        }
        container.start();
        running = true;
    }

    /** Leaving the group revokes the lock, which stops the poller before another instance is assigned it. */
    @Override
    public void stop() {
        running = false;
        container.stop();
        // in case the consumer could not leave the group in time
        poller.stop();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Starts last and stops first: the Kafka listeners and reply templates outlive the poller. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
