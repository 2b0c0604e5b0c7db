package uz.lms.registration.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import java.time.Clock;
import java.util.Map;

@SpringBootApplication
@EnableConfigurationProperties(GatewayProperties.class)
public class GatewayServiceApplication {

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(GatewayServiceApplication.class);
        // Several services share one test JVM, so each one names its configuration file after itself.
        application.setDefaultProperties(Map.of("spring.config.name", "gateway-service"));
        application.run(args);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
