package uz.lms.registration.telegram;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.net.URI;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.StringUtils;
import org.springframework.validation.annotation.Validated;

/**
 * {@code telegram.reply-timeout}, how long the bot waits for verification-service before telling the user to try
 * later, is passed to verification-client in {@code application.yml}.
 *
 * @param botToken        the bot's token; unset: the service runs without polling or delivering (see docs/services.md)
 * @param apiUrl          the Bot API root; requests go to {@code {api-url}/bot{token}/{method}}
 * @param topicPartitions partitions of the topics this service creates
 */
@Validated
@ConfigurationProperties("telegram")
public record TelegramProperties(
        @Nullable String botToken,
        @NotNull URI apiUrl,
        @Valid @NotNull Polling polling,
        @Valid @NotNull RateLimit rateLimit,
        @Positive int topicPartitions) {

    public TelegramProperties {
        if (apiUrl != null && StringUtils.hasLength(apiUrl.getPath()) && !"/".equals(apiUrl.getPath())) {
            throw new IllegalArgumentException("telegram.api-url must be a root URL without a path");
        }
    }

    public boolean hasBotToken() {
        return StringUtils.hasText(botToken);
    }

    @Override
    public String toString() {
        // Records print every component; the token must never reach a log.
        return "TelegramProperties[api-url=" + apiUrl + ", polling=" + polling + ", rate-limit=" + rateLimit + "]";
    }

    /**
     * @param enabled        whether this instance may poll Telegram; of those that may, the instances elect one
     * @param timeout        the long-poll timeout of {@code getUpdates}
     * @param sessionTimeout how long the poller lock outlives an instance that crashed while holding it;
     *                       the broker accepts 6 s to 30 min by default
     */
    public record Polling(
            boolean enabled,
            @NotNull Duration timeout,
            @NotNull Duration sessionTimeout) {}

    /**
     * Telegram's limits for outgoing messages, applied per instance.
     *
     * @param perChat   minimum time between two messages to one chat
     * @param perSecond messages per second across all chats
     */
    public record RateLimit(
            @NotNull Duration perChat, @Positive int perSecond) {}
}
