package uz.lms.registration.telegram;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import uz.lms.registration.telegram.bot.Messenger;
import uz.lms.registration.testsupport.EmbeddedInfrastructure;

import static org.assertj.core.api.Assertions.assertThat;

/** No token: the service still starts, does not poll or deliver, and its health says why. */
@SpringBootTest(properties = {
        "spring.config.name=telegram-service",
        "spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
                + "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration"})
class WithoutBotTokenTests {

    @Autowired
    private ApplicationContext context;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", EmbeddedInfrastructure::bootstrapServers);
    }

    @Test
    void theServiceStartsWithoutPollingOrDeliveringAndReportsTheBotDown() {
        assertThat(context.getBeanNamesForType(Messenger.class)).isEmpty();
        assertThat(context.getBean(KafkaListenerEndpointRegistry.class).getListenerContainers()).isEmpty();
        HealthIndicator bot = context.getBean("bot", HealthIndicator.class);
        assertThat(bot.health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(bot.health().getDetails()).containsEntry("reason", "telegram.bot-token is not set");
    }
}
