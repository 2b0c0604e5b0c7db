package uz.lms.registration.gateway;

import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import uz.lms.registration.client.VerificationClientProperties;

@SpringBootApplication
// The gateway sends verification-service commands: verification-client gives it its client and reply topics.
@EnableConfigurationProperties({GatewayProperties.class, VerificationClientProperties.class})
public class GatewayServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(GatewayServiceApplication.class, args);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
