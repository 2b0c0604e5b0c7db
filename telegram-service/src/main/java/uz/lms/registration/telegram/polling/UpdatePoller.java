package uz.lms.registration.telegram.polling;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

/**
 * Long-polls Telegram and puts every user message on {@code telegram.updates} before taking the next
 * batch. Telegram forgets updates only when the next {@code getUpdates} confirms them, and that call
 * waits for this consumer, so an update is either on Kafka or still at Telegram: none is lost, a
 * restart or a change of poller may hand one over twice. {@code PollerElection} starts and stops it, so
 * that one instance polls at a time.
 */
@Component
@ConditionalOnBotToken
public class UpdatePoller implements LongPollingUpdateConsumer {

    private static final Logger log = LoggerFactory.getLogger(UpdatePoller.class);
    private static final Duration KAFKA_SEND_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration KAFKA_RETRY_PAUSE = Duration.ofSeconds(1);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration START_RETRY_PAUSE = Duration.ofSeconds(5);
    private static final String UPDATE_OBSERVATION = "telegram.update";

    private final TelegramProperties properties;
    private final TelegramUrl telegramUrl;
    private final KafkaTemplate<String, Object> kafka;
    private final ObservationRegistry observations;

    private volatile @Nullable ScheduledExecutorService executor;
    private @Nullable OkHttpClient http;

    UpdatePoller(
            TelegramProperties properties,
            TelegramUrl telegramUrl,
            KafkaTemplate<String, Object> kafka,
            MeterRegistry meters,
            ObservationRegistry observations) {
        this.properties = properties;
        this.telegramUrl = telegramUrl;
        this.kafka = kafka;
        this.observations = observations;
        Gauge.builder("telegram.polling", this, poller -> poller.isPolling() ? 1 : 0)
                .description("1 while this instance polls Telegram; the sum over all instances should be 1")
                .register(meters);
    }

    /**
     * Polls from now on, until {@link #stop()}. The first call to Telegram runs on the poller thread and
     * is retried there: the caller (a Kafka consumer being assigned the poller lock) must not wait on it.
     */
    public synchronized void start() {
        if (executor != null) {
            return;
        }
        Duration timeout = properties.polling().timeout();
        // Our own executor and HTTP client: the library shuts down neither (TelegramBots #1513, #1553).
        // Not a daemon, though started from a consumer's virtual thread: only stop() may end it.
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("telegram-poller").daemon(false).factory());
        OkHttpClient http =
                new OkHttpClient.Builder().readTimeout(timeout.plusSeconds(15)).build();
        executor.execute(() -> register(executor, http));
        this.executor = executor;
        this.http = http;
    }

    /** Runs on the poller thread; the library's polling task starts after it, on the same thread. */
    private void register(ScheduledExecutorService executor, OkHttpClient http) {
        Duration timeout = properties.polling().timeout();
        while (!executor.isShutdown()) {
            try {
                // The library calls deleteWebhook first, which fails while Telegram cannot be reached.
                new TelegramBotsLongPollingApplication(
                                ObjectMapper::new, () -> http, () -> executor, ExponentialBackOff::new)
                        .registerBot(
                                properties.botToken(),
                                () -> telegramUrl,
                                lastUpdateId -> GetUpdates.builder()
                                        .offset(lastUpdateId + 1)
                                        .timeout((int) timeout.toSeconds())
                                        .allowedUpdates(List.of("message"))
                                        .build(),
                                this);
                log.info("telegram polling started api={} timeout={}s", properties.apiUrl(), timeout.toSeconds());
                return;
            } catch (TelegramApiException e) {
                log.warn(
                        "telegram polling could not start, retrying in {} error={}", START_RETRY_PAUSE, e.getMessage());
                try {
                    Thread.sleep(START_RETRY_PAUSE);
                } catch (InterruptedException stopped) {
                    return;
                }
            }
        }
    }

    /** Returns once no {@code getUpdates} is in flight and no update is being handed over. */
    public synchronized void stop() {
        if (executor == null) {
            return;
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
        executor = null;
        http = null;
        log.info("telegram polling stopped");
    }

    boolean isPolling() {
        return executor != null;
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

    /**
     * Starts the update's trace: nothing comes before it, and what it causes (the answer, a command to
     * verification-service, the code's delivery) continues it through the record's {@code traceparent}. The span
     * knows the user by {@code telegram_id} only, never by a number or a code the message holds.
     */
    private void handOver(ChatUpdate update) throws InterruptedException {
        Observation.createNotStarted(UPDATE_OBSERVATION, observations)
                .contextualName("telegram update")
                .highCardinalityKeyValue("telegram_id", Long.toString(update.userId()))
                .observeChecked(() -> putOnKafka(update));
    }

    /** Retries until Kafka takes the update: moving on would confirm it to Telegram and lose it. */
    private void putOnKafka(ChatUpdate update) throws InterruptedException {
        while (true) {
            try {
                kafka.send(TelegramTopics.UPDATES, Topics.key(update.userId()), update)
                        .get(KAFKA_SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                log.warn(
                        "telegram update not yet on Kafka, retrying update_id={} error={}",
                        update.updateId(),
                        e.getMessage());
                Thread.sleep(KAFKA_RETRY_PAUSE);
            }
        }
    }
}
