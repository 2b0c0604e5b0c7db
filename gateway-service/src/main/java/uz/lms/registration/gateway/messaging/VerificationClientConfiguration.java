package uz.lms.registration.gateway.messaging;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.ProducerFactory;
import uz.lms.registration.client.VerificationClient;
import uz.lms.registration.gateway.GatewayProperties;

/** Request/reply with verification-service, over the gateway's own reply topics. */
@Configuration(proxyBeanMethods = false)
class VerificationClientConfiguration {

    @Bean
    VerificationClient verificationClient(
            ProducerFactory<String, Object> producers,
            ConsumerFactory<String, Object> consumers,
            GatewayProperties properties) {
        return new VerificationClient(
                producers, consumers, "gateway", properties.replyTimeout(), properties.topicPartitions());
    }

    @Bean
    KafkaAdmin.NewTopics replyTopics(VerificationClient client) {
        return client.replyTopics();
    }
}
