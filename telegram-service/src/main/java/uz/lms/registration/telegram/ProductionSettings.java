package uz.lms.registration.telegram;

import java.net.URI;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.stereotype.Component;

/**
 * Under the {@code prod} profile, refuses to start unless the Bot API is reached over https: every
 * request carries the bot token in its path. Runs before any bean is created, so that the token never
 * goes out in clear; {@code ./run.sh}'s sandbox on plain http runs without the profile.
 */
@Component
class ProductionSettings implements BeanFactoryPostProcessor, EnvironmentAware {

    /** Set by the container: a bean factory post-processor is made before constructors can be injected. */
    private Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        if (!environment.acceptsProfiles(Profiles.of("prod"))) {
            return;
        }
        String apiUrl = environment.getProperty("telegram.api-url", "");
        if (!"https".equalsIgnoreCase(URI.create(apiUrl.strip()).getScheme())) {
            throw new IllegalStateException("Refusing to start with the 'prod' profile: telegram.api-url must be"
                    + " https, since the bot token travels in the path of every request");
        }
    }
}
