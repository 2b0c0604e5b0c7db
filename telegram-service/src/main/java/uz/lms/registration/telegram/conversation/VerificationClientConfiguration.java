package uz.lms.registration.telegram.conversation;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.ProducerFactory;
import uz.lms.registration.client.VerificationClient;
import uz.lms.registration.telegram.TelegramProperties;
import uz.lms.registration.telegram.bot.ConditionalOnBotToken;

/** Request/reply with verification-service, over the bot's own reply topics: only a bot sends commands. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBotToken
class VerificationClientConfiguration {

    @Bean
    VerificationClient verificationClient(
            ProducerFactory<String, Object> producers,
            ConsumerFactory<String, Object> consumers,
            TelegramProperties properties) {
        return new VerificationClient(
                producers, consumers, "telegram", properties.replyTimeout(), properties.topicPartitions());
    }

    @Bean
    KafkaAdmin.NewTopics replyTopics(VerificationClient client) {
        return client.replyTopics();
    }
}
