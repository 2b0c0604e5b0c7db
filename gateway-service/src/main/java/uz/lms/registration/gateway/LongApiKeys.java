package uz.lms.registration.gateway;

import java.util.List;
import java.util.stream.IntStream;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import uz.lms.registration.service.ProductionRule;

/**
 * In production, every key of {@code gateway.api-key} has at least {@value #MINIMUM_LENGTH} characters: too many to
 * guess, however many addresses try. A key is named by its place in the list, never quoted.
 */
@Component
class LongApiKeys implements ProductionRule {

    private static final int MINIMUM_LENGTH = 32;

    @Override
    public List<String> violations(Environment settings) {
        List<String> keys = Binder.get(settings)
                .bind("gateway", GatewayProperties.class)
                .map(GatewayProperties::apiKeys)
                .orElse(List.of());
        return IntStream.range(0, keys.size())
                .filter(i -> keys.get(i).length() < MINIMUM_LENGTH)
                .mapToObj(i -> "gateway.api-key must have at least " + MINIMUM_LENGTH + " characters in each key (key "
                        + (i + 1) + " of " + keys.size() + " has fewer)")
                .toList();
    }
}
