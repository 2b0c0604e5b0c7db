package uz.lms.registration.telegram.conversation;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import uz.lms.registration.client.VerificationClientProperties;
import uz.lms.registration.telegram.bot.ConditionalOnBotToken;

/**
 * Request/reply with verification-service, over the bot's own reply topics: only a bot sends commands, so
 * without a token the service has neither client nor reply topics. verification-client makes both.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBotToken
@EnableConfigurationProperties(VerificationClientProperties.class)
class VerificationClientConfiguration {}
