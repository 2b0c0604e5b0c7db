package uz.lms.registration.telegram;

import java.util.stream.Stream;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import uz.lms.registration.sandbox.FakeTelegramServer;
import uz.lms.registration.testsupport.EmbeddedInfrastructure;

/** Starts a telegram-service instance of its own against a sandbox, as a second instance in production would be. */
final class RunningBot {

    private RunningBot() {}

    /** @param settings more {@code --name=value} arguments, e.g. the poll timeout */
    static ConfigurableApplicationContext start(FakeTelegramServer server, String token, String... settings) {
        Stream<String> common = Stream.of(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + EmbeddedInfrastructure.bootstrapServers(),
                "--telegram.bot-token=" + token,
                "--telegram.api-url=" + server.apiUrl());
        // arguments, not default properties: those rank below the service's own application.yml
        return SpringApplication.run(
                TelegramServiceApplication.class,
                Stream.concat(common, Stream.of(settings)).toArray(String[]::new));
    }
}
