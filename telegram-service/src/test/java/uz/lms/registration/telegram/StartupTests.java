package uz.lms.registration.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import uz.lms.registration.testsupport.EmbeddedInfrastructure;

/** Under the {@code prod} profile the bot talks to Telegram over https only: the token is in every request's path. */
class StartupTests {

    private static final String TOKEN = "434343:TEST-token-for-startup";

    @Test
    void productionRefusesToStartWithAPlainHttpBotApi() {
        // The refusal comes before any connection is made, so no broker is needed.
        Throwable refusal = catchThrowable(() -> start(
                "--spring.profiles.active=prod",
                "--telegram.bot-token=" + TOKEN,
                "--telegram.api-url=http://api.telegram.org"));

        assertThat(refusal)
                .hasMessageContaining("telegram.api-url must be https")
                .hasMessageNotContaining(TOKEN);
    }

    @Test
    void productionStartsWithTheDefaultHttpsBotApi() {
        try (ConfigurableApplicationContext bot = start(
                "--spring.profiles.active=prod",
                "--spring.kafka.bootstrap-servers=" + EmbeddedInfrastructure.bootstrapServers())) {
            assertThat(bot.getEnvironment().getProperty("telegram.api-url")).isEqualTo("https://api.telegram.org");
            assertThat(bot.isRunning()).isTrue();
        }
    }

    private static ConfigurableApplicationContext start(String... arguments) {
        return new SpringApplicationBuilder(TelegramServiceApplication.class)
                .run(Stream.concat(Stream.of("--server.port=0"), Stream.of(arguments))
                        .toArray(String[]::new));
    }
}
