package uz.lms.registration.telegram;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

import java.time.Clock;

@SpringBootApplication
@ConfigurationPropertiesScan
public class TelegramServiceApplication {

    public static void main(String[] args) {
        // Named after the service, so that several services can share one JVM (tests, local run).
        new SpringApplicationBuilder(TelegramServiceApplication.class)
                .properties("spring.config.name=telegram-service")
                .run(args);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
