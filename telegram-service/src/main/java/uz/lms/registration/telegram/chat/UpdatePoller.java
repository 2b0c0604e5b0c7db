package uz.lms.registration.telegram.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import org.telegram.telegrambots.longpolling.TelegramBotsLongPollingApplication;
import org.telegram.telegrambots.longpolling.interfaces.LongPollingUpdateConsumer;
import org.telegram.telegrambots.longpolling.util.ExponentialBackOff;
import org.telegram.telegrambots.meta.TelegramUrl;
import org.telegram.telegrambots.meta.api.methods.updates.GetUpdates;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.telegram.TelegramProperties;
import uz.lms.registration.telegram.TelegramTopics;
import uz.lms.registration.telegram.bot.ConditionalOnBotToken;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Long-polls Telegram and puts every user message on {@code telegram.updates} before taking the next
 * batch. Telegram forgets updates only when the next {@code getUpdates} confirms them, and that call
 * waits for this consumer, so an update is either on Kafka or still at Telegram: none is lost, a
 * restart may hand one over twice. One instance per bot token polls ({@code telegram.polling.enabled}).
 */
@Component
@ConditionalOnBotToken
class UpdatePoller implements SmartLifecycle, LongPollingUpdateConsumer {

    private static final Logger log = LoggerFactory.getLogger(UpdatePoller.class);
    private static final Duration KAFKA_SEND_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration KAFKA_RETRY_PAUSE = Duration.ofSeconds(1);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final TelegramProperties properties;
    private final TelegramUrl telegramUrl;
    private final KafkaTemplate<String, Object> kafka;

    private ScheduledExecutorService executor;
    private OkHttpClient http;
    private TelegramBotsLongPollingApplication polling;

    UpdatePoller(TelegramProperties properties, TelegramUrl telegramUrl, KafkaTemplate<String, Object> kafka) {
        this.properties = properties;
        this.telegramUrl = telegramUrl;
        this.kafka = kafka;
    }

    @Override
    public synchronized void start() {
        if (!properties.polling().enabled()) {
            log.info("telegram polling disabled on this instance (telegram.polling.enabled=false)");
            return;
        }
        Duration timeout = properties.polling().timeout();
        // Our own executor and HTTP client: the library shuts down neither (TelegramBots #1513, #1553).
        executor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("telegram-poller").factory());
        http = new OkHttpClient.Builder().readTimeout(timeout.plusSeconds(15)).build();
        polling = new TelegramBotsLongPollingApplication(ObjectMapper::new, () -> http, () -> executor,
                ExponentialBackOff::new);
        try {
            polling.registerBot(properties.botToken(), () -> telegramUrl, lastUpdateId -> GetUpdates.builder()
                    .offset(lastUpdateId + 1)
                    .timeout((int) timeout.toSeconds())
                    .allowedUpdates(List.of("message"))
                    .build(), this);
        } catch (TelegramApiException e) {
            stop();
            throw new IllegalStateException("telegram polling could not start: " + e.getMessage());
        }
        log.info("telegram polling started api={} timeout={}s", properties.apiUrl(), timeout.toSeconds());
    }

    @Override
    public synchronized void stop() {
        if (polling == null) {
            return;
        }
        try {
            polling.close();
        } catch (Exception e) {
            log.warn("telegram polling did not close cleanly: {}", e.getMessage());
        }
        // Ends the long poll in flight and any wait for Kafka; updates not yet confirmed stay at Telegram.
        executor.shutdownNow();
        http.dispatcher().cancelAll();
        try {
            if (!executor.awaitTermination(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("telegram poller did not stop within {}", STOP_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
        polling = null;
        log.info("telegram polling stopped");
    }

    @Override
    public synchronized boolean isRunning() {
        return polling != null;
    }

    /** Stops first and starts last: the Kafka listeners and reply templates outlive the poller. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }

    /**
     * Runs on the poller thread between two {@code getUpdates}. Nothing may escape: an exception here
     * would end the library's polling task for good.
     */
    @Override
    public void consume(List<Update> updates) {
        for (Update update : updates) {
            try {
                Optional<ChatUpdate> message = ChatUpdate.of(update);
                if (message.isPresent()) {
                    handOver(message.get());
                }
            } catch (InterruptedException e) {
                // Shutting down: this update and the rest of the batch were never confirmed to Telegram.
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("telegram update could not be read, skipped update_id={}", update.getUpdateId(), e);
            }
        }
    }

    /** Retries until Kafka takes the update: moving on would confirm it to Telegram and lose it. */
    private void handOver(ChatUpdate update) throws InterruptedException {
        while (true) {
            try {
                kafka.send(TelegramTopics.UPDATES, Topics.key(update.userId()), update)
                        .get(KAFKA_SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                log.warn("telegram update not yet on Kafka, retrying update_id={} error={}", update.updateId(),
                        e.getMessage());
                Thread.sleep(KAFKA_RETRY_PAUSE);
            }
        }
    }
}
