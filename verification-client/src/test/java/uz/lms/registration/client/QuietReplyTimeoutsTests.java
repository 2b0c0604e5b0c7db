package uz.lms.registration.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.requestreply.ReplyingKafkaTemplate;

class QuietReplyTimeoutsTests {

    private final Logger template = LoggerFactory.getLogger(ReplyingKafkaTemplate.class);

    @Test
    void theTemplatesOwnTimeoutWarningIsOffInAServiceUnlessItTurnsItOn() {
        try (ConfigurableApplicationContext service = run()) {
            assertThat(template.isWarnEnabled()).isFalse();
            assertThat(template.isErrorEnabled()).isTrue();
        }
        try (ConfigurableApplicationContext service =
                run("--logging.level.org.springframework.kafka.requestreply.ReplyingKafkaTemplate=WARN")) {
            assertThat(template.isWarnEnabled()).isTrue();
        }
    }

    private static ConfigurableApplicationContext run(String... arguments) {
        return new SpringApplicationBuilder(Service.class)
                .web(WebApplicationType.NONE)
                .run(arguments);
    }

    @Configuration(proxyBeanMethods = false)
    static class Service {}
}
