package uz.lms.registration.kafka;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * For readiness: up when every consumer of every Kafka listener has been given its partitions by its
 * group, i.e. when the service consumes. A restarted instance is not ready while its group still waits
 * for a member that died without leaving; an instance beyond the topics' partition count is ready with
 * none, as a standby. Spring Boot sets it as the listeners' rebalance listener when it is a bean.
 */
public final class ListenerAssignments implements HealthIndicator, ConsumerAwareRebalanceListener {

    private final KafkaListenerEndpointRegistry listeners;
    /** The group of each consumer whose latest rebalance has ended; read on the consumer's own thread. */
    private final Map<Consumer<?, ?>, String> assigned = new ConcurrentHashMap<>();

    public ListenerAssignments(KafkaListenerEndpointRegistry listeners) {
        this.listeners = listeners;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assigned.put(consumer, consumer.groupMetadata().groupId());
    }

    @Override
    public void onPartitionsRevokedBeforeCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assigned.remove(consumer);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assigned.remove(consumer);
    }

    @Override
    public Health health() {
        Map<String, Integer> partitions = new TreeMap<>();
        boolean consuming = true;
        for (MessageListenerContainer container : listeners.getListenerContainers()) {
            int consumers = container instanceof ConcurrentMessageListenerContainer<?, ?> concurrent
                    ? concurrent.getConcurrency()
                    : 1;
            long settled = assigned.values().stream()
                    .filter(container.getGroupId()::equals)
                    .count();
            consuming &= container.isRunning() && settled >= consumers;
            Collection<TopicPartition> held = container.getAssignedPartitions();
            partitions.put(container.getListenerId(), held == null ? 0 : held.size());
        }
        return (consuming ? Health.up() : Health.down())
                .withDetail("assigned_partitions", partitions)
                .build();
    }
}
