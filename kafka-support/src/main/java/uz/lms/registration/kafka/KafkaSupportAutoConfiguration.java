package uz.lms.registration.kafka;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.config.MeterFilter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.metrics.KafkaMetricsAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.MicrometerConsumerListener;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.CommonErrorHandler;

/**
 * In every service that consumes topics: the dead-letter error handler of its listeners, and whether they consume,
 * which is part of readiness as {@code listeners}. Spring Boot sets both on the listener containers it makes. Its
 * consumers' client metrics carry their group ({@link GroupTaggedConsumerMetrics}).
 */
// After Boot's Kafka metrics, whose binding of the consumers' metrics this module's customizer replaces.
@AutoConfiguration(after = KafkaMetricsAutoConfiguration.class)
class KafkaSupportAutoConfiguration {

    /** Dead letters are counted in the service's registry; a service without metrics counts them nowhere. */
    @Bean
    @ConditionalOnMissingBean
    CommonErrorHandler errorHandler(ProducerFactory<?, ?> producers, ObjectProvider<MeterRegistry> meters) {
        return DeadLetters.errorHandler(producers, meters.getIfAvailable(() -> Metrics.globalRegistry));
    }

    @Bean
    @ConditionalOnMissingBean
    ListenerAssignments listeners(KafkaListenerEndpointRegistry registry) {
        return new ListenerAssignments(registry);
    }

    /** In place of Boot's untagged binding of the consumers' client metrics: the same metrics, tagged by group. */
    @Bean
    @ConditionalOnBean(MeterRegistry.class)
    DefaultKafkaConsumerFactoryCustomizer consumerMetricsByGroup(MeterRegistry meters) {
        return consumers -> tagByGroup(consumers, meters);
    }

    /**
     * Kafka's {@code kafka.app.info.*} meters are the producers' as well as the consumers': without the group, which a
     * producer has not, so that one name keeps one set of tag keys, as Prometheus requires (else the producers' are
     * refused, with a warning at every start).
     */
    @Bean
    MeterFilter appInfoWithoutGroup() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return id.getName().startsWith("kafka.app.info.") && id.getTag(GroupTaggedConsumerMetrics.GROUP) != null
                        ? id.replaceTags(id.getTags().stream()
                                .filter(tag -> !tag.getKey().equals(GroupTaggedConsumerMetrics.GROUP))
                                .toList())
                        : id;
            }
        };
    }

    private static <K, V> void tagByGroup(DefaultKafkaConsumerFactory<K, V> consumers, MeterRegistry meters) {
        consumers.getListeners().stream()
                .filter(MicrometerConsumerListener.class::isInstance)
                .toList()
                .forEach(consumers::removeListener);
        consumers.addListener(new GroupTaggedConsumerMetrics<>(meters));
    }
}
