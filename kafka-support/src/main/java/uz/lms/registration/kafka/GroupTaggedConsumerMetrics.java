package uz.lms.registration.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.errors.InvalidGroupIdException;
import org.springframework.kafka.core.MicrometerConsumerListener;

/**
 * Kafka's client metrics of each consumer, as Spring Boot binds them, tagged with the consumer's group as
 * {@value #GROUP}: Kafka tags them with the client id alone, and lag is read per group
 * ({@code kafka_consumer_fetch_manager_records_lag_max{group_id="…"}}). A consumer outside any group is tagged
 * {@value #NO_GROUP}, so that every consumer's meters have the same tags, as Prometheus requires of one name.
 */
final class GroupTaggedConsumerMetrics<K, V> extends MicrometerConsumerListener<K, V> {

    static final String GROUP = "group.id";
    static final String NO_GROUP = "none";

    GroupTaggedConsumerMetrics(MeterRegistry meters) {
        super(meters);
    }

    /** Called as the consumer is created, on the thread creating it, before any other thread may use it. */
    @Override
    protected MeterBinder createClientMetrics(Consumer<K, V> consumer, List<Tag> tags) {
        List<Tag> tagged = new ArrayList<>(tags);
        tagged.add(Tag.of(GROUP, groupOf(consumer)));
        return super.createClientMetrics(consumer, tagged);
    }

    private static String groupOf(Consumer<?, ?> consumer) {
        try {
            return consumer.groupMetadata().groupId();
        } catch (InvalidGroupIdException noGroup) {
            return NO_GROUP;
        }
    }
}
