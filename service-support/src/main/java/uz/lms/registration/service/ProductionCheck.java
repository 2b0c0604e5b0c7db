package uz.lms.registration.service;

import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;

/**
 * Under the {@code prod} profile, refuses to start while any of the service's {@link ProductionRule}s finds an
 * unsafe setting, naming every one found. Runs before any other bean is created, so that such a service never
 * connects anywhere. Fails closed: a rule that cannot be evaluated counts as one that found a problem.
 */
final class ProductionCheck implements BeanFactoryPostProcessor {

    private final Environment environment;

    ProductionCheck(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        if (!environment.acceptsProfiles(Profiles.of("prod"))) {
            return;
        }
        List<String> violations = new ArrayList<>();
        beanFactory.getBeansOfType(ProductionRule.class, true, false).forEach((name, rule) -> {
            try {
                violations.addAll(rule.violations(environment));
            } catch (RuntimeException e) {
                // The type only: a message may quote the setting, and a setting may be a secret.
                violations.add(name + " could not be checked (" + e.getClass().getSimpleName() + ")");
            }
        });
        if (!violations.isEmpty()) {
            throw new IllegalStateException(
                    "Refusing to start with the 'prod' profile: " + String.join("; ", violations));
        }
    }
}
