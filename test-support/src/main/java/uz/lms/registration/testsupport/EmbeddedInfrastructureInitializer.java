package uz.lms.registration.testsupport;

import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Points a test's application context at the embedded broker and at a fresh database of its own:
 * {@code @ContextConfiguration(initializers = EmbeddedInfrastructureInitializer.class)}.
 */
public class EmbeddedInfrastructureInitializer
        implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        TestPropertyValues.of(
                        "spring.kafka.bootstrap-servers=" + EmbeddedInfrastructure.bootstrapServers(),
                        "spring.datasource.url=" + EmbeddedInfrastructure.newDatabase(),
                        "spring.datasource.username=postgres",
                        "spring.datasource.password=postgres")
                .applyTo(context);
    }
}
