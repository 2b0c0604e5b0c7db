package uz.lms.registration.verification;

import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.stereotype.Component;

/**
 * Under the {@code prod} profile, refuses to start with a setting that is only fit for development.
 * Runs before any bean is created, so that the service never connects anywhere with such a setting.
 */
@Component
class ProductionSettings implements BeanFactoryPostProcessor, EnvironmentAware {

    private static final int MINIMUM_SECRET_LENGTH = 32;
    /** The password in application.yml, there for local runs only. */
    private static final String DEFAULT_DATABASE_PASSWORD = "lms";

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
        List<String> problems = new ArrayList<>();
        String secret = environment.getProperty("verification.code-secret", "");
        if (secret.isBlank()) {
            problems.add("verification.code-secret must be set");
        } else if (secret.equals(CodeSecret.DEVELOPMENT_SECRET)) {
            problems.add("verification.code-secret must not be the development key");
        } else if (secret.length() < MINIMUM_SECRET_LENGTH) {
            problems.add("verification.code-secret must be at least " + MINIMUM_SECRET_LENGTH + " characters");
        }
        if (DEFAULT_DATABASE_PASSWORD.equals(environment.getProperty("spring.datasource.password"))) {
            problems.add("spring.datasource.password must not be the default one");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(
                    "Refusing to start with the 'prod' profile: " + String.join("; ", problems));
        }
    }
}
