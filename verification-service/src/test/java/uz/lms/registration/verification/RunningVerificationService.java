package uz.lms.registration.verification;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import uz.lms.registration.testsupport.EmbeddedInfrastructure;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The real verification-service, started inside another module's test JVM on the embedded broker
 * and a database of its own. Shared through this module's test jar.
 */
public final class RunningVerificationService {

    /** A short sweep bounds how late a record left behind by a failed publish reaches Kafka. */
    public static final String FAST_SWEEP = "verification.outbox-sweep-interval=200ms";

    private RunningVerificationService() {
    }

    /**
     * @param clock      the service's clock (it takes precedence over the service's own)
     * @param properties further {@code name=value} properties; all are passed as command-line arguments,
     *                   since {@code SpringApplicationBuilder.properties(...)} are defaults that the
     *                   service's own verification-service.yml overrides
     */
    public static ConfigurableApplicationContext start(Clock clock, String... properties) {
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
