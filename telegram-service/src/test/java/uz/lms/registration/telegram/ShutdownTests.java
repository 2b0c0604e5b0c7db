package uz.lms.registration.telegram;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import uz.lms.registration.sandbox.FakeTelegram;
import uz.lms.registration.sandbox.FakeTelegramServer;
import uz.lms.registration.testsupport.EmbeddedInfrastructure;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The library's threads do not stop by themselves (TelegramBots #1513, #1553); closing the context must. */
class ShutdownTests {

    @Test
    void closingTheContextEndsALongPollInFlightAndLeavesNoBotThreads() {
        FakeTelegram telegram = new FakeTelegram();
        try (FakeTelegramServer server = FakeTelegramServer.start(telegram, "1:shutdown", 0)) {
            ConfigurableApplicationContext context = new SpringApplicationBuilder(TelegramServiceApplication.class)
                    .properties("spring.config.name=telegram-service")
                    .run("--server.port=0",
                            "--spring.kafka.bootstrap-servers=" + EmbeddedInfrastructure.bootstrapServers(),
                            "--spring.autoconfigure.exclude="
                                    + "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
                                    + "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
                            "--telegram.bot-token=1:shutdown", "--telegram.api-url=" + server.apiUrl(),
                            // the default 50 s long poll: closing must not wait it out
                            "--telegram.polling.timeout=50s");
            await().until(() -> botThreadsAlive() > 0);

            long started = System.nanoTime();
            context.close();

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
            await().atMost(Duration.ofSeconds(5)).until(() -> botThreadsAlive() == 0);
        }
    }

    /** The poller thread and OkHttp's dispatcher threads, the non-daemon threads the library leaves behind. */
    private static long botThreadsAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals("telegram-poller") || thread.getName().startsWith("OkHttp"))
                .filter(thread -> !thread.isDaemon())
                .count();
    }
}
