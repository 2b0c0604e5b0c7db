package uz.lms.registration.telegram.bot;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;
import uz.lms.registration.telegram.TelegramProperties;

/** Without a bot token the service runs but neither polls nor delivers: health says so. */
@Component("bot")
class BotHealthIndicator implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(BotHealthIndicator.class);

    private final TelegramProperties properties;

    BotHealthIndicator(TelegramProperties properties) {
        this.properties = properties;
        if (!properties.hasBotToken()) {
            log.warn("telegram.bot-token is not set: this instance neither polls Telegram nor delivers codes");
        }
    }

    @Override
    public Health health() {
        return properties.hasBotToken()
                ? Health.up().build()
                : Health.down()
                        .withDetail("reason", "telegram.bot-token is not set")
                        .build();
    }
}
