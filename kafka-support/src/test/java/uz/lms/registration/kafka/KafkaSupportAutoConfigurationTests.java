package uz.lms.registration.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import uz.lms.registration.testsupport.BareService;

/** What a service with Kafka listeners gets from this module without declaring it. */
class KafkaSupportAutoConfigurationTests {

    private final ApplicationContextRunner service = new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(KafkaAutoConfiguration.class, KafkaSupportAutoConfiguration.class));

    @Test
    void itsListenersGetTheDeadLetterHandlerAndTheirReadinessAsListeners() {
        service.run(context -> assertThat(context)
                .hasSingleBean(CommonErrorHandler.class)
                .hasSingleBean(ListenerAssignments.class)
                .hasBean("listeners"));
    }

    @Test
    void anErrorHandlerOfItsOwnWins() {
        CommonErrorHandler own = new DefaultErrorHandler();

        service.withBean(CommonErrorHandler.class, () -> own)
                .run(context ->
                        assertThat(context.getBean(CommonErrorHandler.class)).isSameAs(own));
    }

    @Test
    void itsConsumersJoinTheirGroupsAsEveryServiceWithListenersDoes() {
        try (ConfigurableApplicationContext bare = BareService.start()) {
            Environment settings = bare.getEnvironment();
            assertThat(settings.getProperty("spring.kafka.listener.concurrency"))
                    .isEqualTo("3");
            assertThat(settings.getProperty("spring.kafka.consumer.auto-offset-reset"))
                    .isEqualTo("earliest");
            assertThat(settings.getProperty("spring.kafka.consumer.properties.session.timeout.ms"))
                    .isEqualTo("10000");
        }
    }
}
