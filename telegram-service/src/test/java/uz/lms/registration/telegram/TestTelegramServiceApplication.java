package uz.lms.registration.telegram;

import java.util.stream.Stream;
import org.springframework.boot.SpringApplication;
import uz.lms.registration.sandbox.FakeTelegram;
import uz.lms.registration.sandbox.FakeTelegramServer;
import uz.lms.registration.sandbox.WebChat;
import uz.lms.registration.testsupport.KafkaContainerConnection;

/**
 * telegram-service on a Kafka broker of its own in a container (needs Docker), as the bot of a Telegram
 * sandbox whose web chat it prints, for local development: run it from the IDE. Nothing answers its
 * commands unless a verification-service joins that broker.
 */
public class TestTelegramServiceApplication {

    private static final String TOKEN = "7000000001:local-sandbox";

    public static void main(String[] args) {
        FakeTelegramServer sandbox = FakeTelegramServer.start(new FakeTelegram(), TOKEN, 0);
        WebChat.serveOn(sandbox);
        System.out.println("Telegram sandbox: the web chat is on " + sandbox.apiUrl() + "/");
        SpringApplication.from(TelegramServiceApplication::main)
                .with(KafkaContainerConnection.class)
                .run(Stream.concat(
                                Stream.of(args),
                                Stream.of("--telegram.bot-token=" + TOKEN, "--telegram.api-url=" + sandbox.apiUrl()))
                        .toArray(String[]::new));
    }
}
