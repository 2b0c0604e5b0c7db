package uz.lms.registration.kafka;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.CommonErrorHandler;

/**
 * In every service that consumes topics: the dead-letter error handler of its listeners, and whether they consume,
 * which is part of readiness as {@code listeners}. Spring Boot sets both on the listener containers it makes.
 */
@AutoConfiguration
class KafkaSupportAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    CommonErrorHandler errorHandler(ProducerFactory<?, ?> producers) {
        return DeadLetters.errorHandler(producers);
    }

    @Bean
    @ConditionalOnMissingBean
    ListenerAssignments listeners(KafkaListenerEndpointRegistry registry) {
        return new ListenerAssignments(registry);
    }
}
