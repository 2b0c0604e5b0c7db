package uz.lms.registration.client;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.kafka.requestreply.ReplyingKafkaTemplate;

/**
 * Silences {@link ReplyingKafkaTemplate}'s warning on a timed-out request in every service that uses
 * {@link VerificationClient}: it prints the whole command, and the client logs each missing reply
 * itself, with the telegram_id only. A service's own {@code logging.level} setting still wins.
 */
class QuietReplyTimeouts implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        environment
                .getPropertySources()
                .addLast(new MapPropertySource(
                        "verificationClientLogging",
                        Map.of(
                                "logging.level." + ReplyingKafkaTemplate.class.getName(),
                                "ERROR",
                                // The client's own template class: a logger is named after the class that logs.
                                "logging.level." + UnobservedReplyTemplate.class.getName(),
                                "ERROR")));
    }
}
