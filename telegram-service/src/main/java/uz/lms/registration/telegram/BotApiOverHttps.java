package uz.lms.registration.telegram;

import java.net.URI;
import java.util.List;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import uz.lms.registration.service.ProductionRule;

/**
 * In production the Bot API is reached over https only: every request carries the bot token in its path, which
 * must never go out in clear. {@code ./run.sh}'s sandbox on plain http runs without the {@code prod} profile.
 */
@Component
class BotApiOverHttps implements ProductionRule {

    @Override
    public List<String> violations(Environment settings) {
        String apiUrl = settings.getProperty("telegram.api-url", "");
        if ("https".equalsIgnoreCase(URI.create(apiUrl.strip()).getScheme())) {
            return List.of();
        }
        return List.of("telegram.api-url must be https, since the bot token travels in the path of every request");
    }
}
