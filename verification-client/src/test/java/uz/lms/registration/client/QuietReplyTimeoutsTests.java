package uz.lms.registration.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.requestreply.ReplyingKafkaTemplate;
import uz.lms.registration.testsupport.BareService;

class QuietReplyTimeoutsTests {

    private final Logger template = LoggerFactory.getLogger(ReplyingKafkaTemplate.class);
    /** The template the client makes: a subclass, logging under its own name. */
    private final Logger clientsTemplate = LoggerFactory.getLogger(UnobservedReplyTemplate.class);

    @Test
    void theTemplatesOwnTimeoutWarningIsOffInAServiceUnlessItTurnsItOn() {
        try (ConfigurableApplicationContext service = BareService.start()) {
            assertThat(template.isWarnEnabled()).isFalse();
            assertThat(template.isErrorEnabled()).isTrue();
            assertThat(clientsTemplate.isWarnEnabled()).isFalse();
            assertThat(clientsTemplate.isErrorEnabled()).isTrue();
        }
        try (ConfigurableApplicationContext service = BareService.start(
                "--logging.level.org.springframework.kafka.requestreply.ReplyingKafkaTemplate=WARN")) {
            assertThat(template.isWarnEnabled()).isTrue();
        }
    }
}
