package uz.lms.registration.verification;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

import java.time.Clock;

@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class VerificationServiceApplication {

    public static void main(String[] args) {
        // Named after the service, so that several services can share one JVM (tests, local run).
        new SpringApplicationBuilder(VerificationServiceApplication.class)
                .properties("spring.config.name=verification-service")
                .run(args);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
