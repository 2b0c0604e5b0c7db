package uz.lms.registration.gateway;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.stereotype.Component;

/**
 * Callers whose phone numbers are trusted ({@code gateway.trust-caller-phone-numbers}) may bind any number to any
 * {@code telegram_id}, so they must be known ones, holding {@code gateway.api-key}. Without a key, the gateway
 * refuses to start under the {@code prod} profile and warns otherwise. Runs before any bean is created, so that
 * such a gateway never connects anywhere.
 */
@Component
class ProductionSettings implements BeanFactoryPostProcessor, EnvironmentAware {

    private static final Logger log = LoggerFactory.getLogger(ProductionSettings.class);

    /** Set by the container: a bean factory post-processor is made before constructors can be injected. */
    private Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        boolean trusted = environment.getProperty("gateway.trust-caller-phone-numbers", Boolean.class, false);
        if (!trusted || !environment.getProperty("gateway.api-key", "").isBlank()) {
            return;
        }
        String problem = "gateway.trust-caller-phone-numbers=true needs gateway.api-key";
        if (environment.acceptsProfiles(Profiles.of("prod"))) {
            throw new IllegalStateException("Refusing to start with the 'prod' profile: " + problem);
        }
        log.warn(
                "{}: without it, anyone who can reach POST /register can bind any phone number to any telegram_id",
                problem);
    }
}
