package uz.lms.registration.telegram.bot;

import io.micrometer.context.ContextExecutorService;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.observation.ObservationRegistry;
import java.net.URI;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.meta.TelegramUrl;
import org.telegram.telegrambots.meta.generics.TelegramClient;
import uz.lms.registration.telegram.TelegramProperties;

/** The bot's side of the Bot API: sending messages, within Telegram's limits. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBotToken
class BotConfiguration {

    /** The Bot API root as the library wants it; a self-hosted Bot API server or the sandbox work the same. */
    @Bean
    TelegramUrl telegramUrl(TelegramProperties properties) {
        URI url = properties.apiUrl();
        boolean https = "https".equalsIgnoreCase(url.getScheme());
        int port = url.getPort() > 0 ? url.getPort() : https ? 443 : 80;
        return new TelegramUrl(url.getScheme(), url.getHost(), port, false);
    }

    /**
     * Closed with the context (an AutoCloseable bean): its threads would otherwise keep the JVM alive. The library
     * calls the Bot API asynchronously and waits, so the dispatcher's threads take the caller's observation with
     * each call: a {@code sendMessage} is a child of the delivery or answer that sends it.
     */
    @Bean
    BotHttpClient botHttpClient(ObservationRegistry observations) {
        ExecutorService calls = ContextExecutorService.wrap(
                Executors.newCachedThreadPool(
                        Thread.ofPlatform().name("bot-api-", 0).daemon(false).factory()),
                ContextSnapshotFactory.builder().build());
        Dispatcher dispatcher = new Dispatcher(calls);
        // A call queued past the per-host limit would start on another call's thread, with that call's context.
        // The listener threads that send are far fewer than this, and the rate limiter spaces them.
        dispatcher.setMaxRequestsPerHost(dispatcher.getMaxRequests());
        return new BotHttpClient(new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .addInterceptor(BotApiObservation.interceptor(observations))
                .build());
    }

    @Bean
    TelegramClient telegramClient(BotHttpClient http, TelegramProperties properties, TelegramUrl url) {
        return new OkHttpTelegramClient(http.client(), properties.botToken(), url);
    }

    @Bean
    Messenger messenger(TelegramClient client, TelegramProperties properties, Clock clock) {
        return new Messenger(
                client,
                new SendRateLimiter(
                        properties.rateLimit().perChat(), properties.rateLimit().perSecond(), System::nanoTime),
                clock);
    }
}
