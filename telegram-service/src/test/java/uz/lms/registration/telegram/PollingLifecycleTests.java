package uz.lms.registration.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.test.utils.ContainerTestUtils;
import uz.lms.registration.sandbox.FakeTelegram;
import uz.lms.registration.sandbox.FakeTelegramServer;
import uz.lms.registration.sandbox.PrivateChat;
import uz.lms.registration.sandbox.TelegramUser;

class PollingLifecycleTests {

    private static final String TOKEN = "1:lifecycle";

    private final FakeTelegram telegram = new FakeTelegram();

    /** The library's threads do not stop by themselves (TelegramBots #1513, #1553); closing the context must. */
    @Test
    void closingTheContextEndsALongPollInFlightAndLeavesNoBotThreads() {
        try (FakeTelegramServer server = FakeTelegramServer.start(telegram, TOKEN, 0)) {
            // the default 50 s long poll: closing must not wait it out
            ConfigurableApplicationContext bot = startBot(server, "50s");
            await().until(() -> botThreadsAlive() > 0);

            long started = System.nanoTime();
            bot.close();

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
            await().atMost(Duration.ofSeconds(5)).until(() -> botThreadsAlive() == 0);
        }
    }

    @Test
    void messagesSentWhileNoInstancePollsAreAnsweredOnceOneDoes() {
        try (FakeTelegramServer server = FakeTelegramServer.start(telegram, TOKEN, 0)) {
            ConfigurableApplicationContext previous = startBot(server, "1s");
            // Closed mid-join, a listener would leave its group waiting a session timeout for it.
            previous.getBean(KafkaListenerEndpointRegistry.class)
                    .getListenerContainers()
                    .forEach(container -> ContainerTestUtils.waitForAssignment(
                            container,
                            previous.getBean(TelegramProperties.class).topicPartitions()));
            previous.close();
            PrivateChat chat = telegram.privateChat(new TelegramUser(720_000_001, "Late", "en"));
            chat.start();
            assertThat(telegram.pendingUpdateCount()).isEqualTo(1);

            try (ConfigurableApplicationContext bot = startBot(server, "1s")) {
                await().until(() -> chat.messages().size() == 1);
                assertThat(chat.lastMessage().text()).startsWith("Hello!");
                // the next getUpdates confirmed the message to Telegram
                await().until(() -> telegram.pendingUpdateCount() == 0);
            }
        }
    }

    private static ConfigurableApplicationContext startBot(FakeTelegramServer server, String pollTimeout) {
        return RunningBot.start(server, TOKEN, "--telegram.polling.timeout=" + pollTimeout);
    }

    /** The poller thread and OkHttp's dispatcher threads, the non-daemon threads the library leaves behind. */
    private static long botThreadsAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals("telegram-poller")
                        || thread.getName().startsWith("OkHttp"))
                .filter(thread -> !thread.isDaemon())
                .count();
    }
}
