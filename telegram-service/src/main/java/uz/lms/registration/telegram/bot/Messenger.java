package uz.lms.registration.telegram.bot;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.api.objects.ResponseParameters;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;
import org.telegram.telegrambots.meta.generics.TelegramClient;

/**
 * Sends the bot's messages within Telegram's limits: waits for a free slot, waits out a 429's
 * {@code retry_after}, retries outages, and gives up only when Telegram refuses for good or the
 * deadline passes.
 */
public class Messenger {

    private static final Logger log = LoggerFactory.getLogger(Messenger.class);
    private static final Duration OUTAGE_PAUSE = Duration.ofSeconds(1);
    private static final int TOO_MANY_REQUESTS = 429;

    private final TelegramClient client;
    private final SendRateLimiter limiter;
    private final Clock clock;

    Messenger(TelegramClient client, SendRateLimiter limiter, Clock clock) {
        this.client = client;
        this.limiter = limiter;
        this.clock = clock;
    }

    public SendResult send(SendMessage message, Instant deadline) throws InterruptedException {
        long chatId = Long.parseLong(message.getChatId());
        while (true) {
            limiter.acquire(chatId);
            if (!clock.instant().isBefore(deadline)) {
                return new SendResult.TooLate();
            }
            Duration pause;
            try {
                client.execute(message);
                return new SendResult.Sent();
            } catch (TelegramApiRequestException e) {
                int status = e.getErrorCode() == null ? 0 : e.getErrorCode();
                if (status == TOO_MANY_REQUESTS) {
                    pause = Duration.ofSeconds(retryAfter(e.getParameters()));
                    log.warn("telegram rate limit chat_id={} retry_after={}s", chatId, pause.toSeconds());
                } else if (status >= 400 && status < 500) {
                    return new SendResult.Refused(status, e.getApiResponse());
                } else {
                    pause = OUTAGE_PAUSE;
                    log.warn("telegram error chat_id={} status={} description={}", chatId, status, e.getApiResponse());
                }
            } catch (TelegramApiException e) {
                // No answer from Telegram at all; the message names neither the token nor the text.
                pause = OUTAGE_PAUSE;
                log.warn("telegram unreachable chat_id={} error={}", chatId, e.getMessage());
            }
            if (clock.instant().plus(pause).isAfter(deadline)) {
                return new SendResult.TooLate();
            }
            Thread.sleep(pause);
        }
    }

    private static long retryAfter(@Nullable ResponseParameters parameters) {
        return parameters == null || parameters.getRetryAfter() == null ? 1 : parameters.getRetryAfter();
    }
}
