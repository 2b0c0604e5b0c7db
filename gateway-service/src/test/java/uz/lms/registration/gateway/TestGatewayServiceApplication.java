package uz.lms.registration.gateway;

import org.springframework.boot.SpringApplication;
import uz.lms.registration.testsupport.KafkaContainerConnection;

/**
 * gateway-service on a Kafka broker of its own in a container (needs Docker), for local development:
 * run it from the IDE. Nothing answers its commands unless a verification-service joins that broker.
 */
public class TestGatewayServiceApplication {

    public static void main(String[] args) {
        SpringApplication.from(GatewayServiceApplication::main)
                .with(KafkaContainerConnection.class)
                .run(args);
    }
}
