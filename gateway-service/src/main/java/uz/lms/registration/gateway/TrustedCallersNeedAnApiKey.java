package uz.lms.registration.gateway;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import uz.lms.registration.service.ProductionRule;

/**
 * Callers whose phone numbers are trusted ({@code gateway.trust-caller-phone-numbers}) may bind any number to any
 * {@code telegram_id}, so they must be known ones, holding {@code gateway.api-key}. Without a key, the gateway
 * refuses to start under the {@code prod} profile and warns otherwise.
 */
@Component
class TrustedCallersNeedAnApiKey implements ProductionRule, ApplicationListener<ApplicationStartedEvent> {

    private static final Logger log = LoggerFactory.getLogger(TrustedCallersNeedAnApiKey.class);

    @Override
    public List<String> violations(Environment settings) {
        boolean unguarded = Binder.get(settings)
                .bind("gateway", GatewayProperties.class)
                .map(gateway -> gateway.trustCallerPhoneNumbers() && !gateway.apiKeyRequired())
                .orElse(false);
        return unguarded ? List.of("gateway.trust-caller-phone-numbers=true needs gateway.api-key") : List.of();
    }

    /** Outside production; under it, the production check has refused to start already. */
    @Override
    public void onApplicationEvent(ApplicationStartedEvent started) {
        violations(started.getApplicationContext().getEnvironment())
                .forEach(problem -> log.warn(
                        "{}: without it, anyone who can reach POST /register can bind any phone number to any"
                                + " telegram_id",
                        problem));
    }
}
