package uz.lms.registration.telegram.bot;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;
import uz.lms.registration.telegram.TelegramProperties;

/** Without a bot token the service runs but neither polls nor delivers: health says so. */
@Component("bot")
class BotHealthIndicator implements HealthIndicator {

    private final TelegramProperties properties;

    BotHealthIndicator(TelegramProperties properties) {
        this.properties = properties;
    }

    @Override
    public Health health() {
        return properties.hasBotToken() ? Health.up().build()
                : Health.down().withDetail("reason", "telegram.bot-token is not set").build();
    }
}
