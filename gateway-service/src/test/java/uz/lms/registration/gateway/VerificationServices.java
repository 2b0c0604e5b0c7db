package uz.lms.registration.gateway;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import uz.lms.registration.testsupport.EmbeddedInfrastructure;
import uz.lms.registration.verification.VerificationServiceApplication;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Starts the real verification-service in the test JVM, on the embedded broker and a database of its own. */
final class VerificationServices {

    /**
     * verification-service publishes replies from its outbox right after commit, but its publishing thread
     * can exit at start-up (OutboxRelay.start() assigns the thread after starting it, and the thread stops
     * when it sees none): then every reply waits for the outbox sweep. A short sweep keeps replies within
     * the tests' reply timeouts either way.
     */
    static final String FAST_SWEEP = "verification.outbox-sweep-interval=200ms";

    private VerificationServices() {
    }

    /**
     * @param clock      the service's clock (it takes precedence over the service's own)
     * @param properties further properties; all are passed as command-line arguments, since
     *                   {@code SpringApplicationBuilder.properties(...)} are defaults that the service's
     *                   own verification-service.yml overrides
     */
    static ConfigurableApplicationContext start(Clock clock, String... properties) {
        List<String> arguments = new ArrayList<>(List.of(
                "--spring.config.name=verification-service",
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + EmbeddedInfrastructure.bootstrapServers(),
                "--spring.datasource.url=" + EmbeddedInfrastructure.newDatabase(),
                "--spring.datasource.username=postgres",
                "--spring.datasource.password=postgres"));
        for (String property : properties) {
            arguments.add("--" + property);
        }
        return new SpringApplicationBuilder(VerificationServiceApplication.class)
                .initializers(context -> ((GenericApplicationContext) context).registerBean("testClock", Clock.class,
                        () -> clock, definition -> definition.setPrimary(true)))
                .run(arguments.toArray(String[]::new));
    }
}
