package uz.lms.registration.client;

import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.ProducerFactory;

/**
 * Request/reply with verification-service in a service that enabled {@link VerificationClientProperties}: a
 * service that only answers, or one that sends nothing until it is configured to, gets neither client nor topics.
 */
@AutoConfiguration
@ConditionalOnBean(VerificationClientProperties.class)
class VerificationClientAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    VerificationClient verificationClient(
            ProducerFactory<String, Object> producers,
            ConsumerFactory<String, Object> consumers,
            VerificationClientProperties properties,
            ObjectProvider<ObservationRegistry> observations) {
        return new VerificationClient(
                producers,
                consumers,
                properties.requester(),
                properties.commandTopics(),
                properties.replyTimeout(),
                properties.replyPartitions(),
                observations.getIfAvailable(() -> ObservationRegistry.NOOP));
    }

    /** The requester's own reply topics: it declares them (see the contract). */
    @Bean
    KafkaAdmin.NewTopics verificationReplyTopics(VerificationClient client) {
        return client.replyTopics();
    }
}
