package uz.lms.registration.verification;

import org.springframework.boot.SpringApplication;
import uz.lms.registration.testsupport.KafkaContainerConnection;
import uz.lms.registration.testsupport.PostgresContainerConnection;

/**
 * verification-service on a Kafka broker and a PostgreSQL of its own in containers (needs Docker), for
 * local development: run it from the IDE. The containers stop with the application.
 */
public class TestVerificationServiceApplication {

    public static void main(String[] args) {
        run(args);
    }

    static SpringApplication.Running run(String... args) {
        return SpringApplication.from(VerificationServiceApplication::main)
                .with(KafkaContainerConnection.class, PostgresContainerConnection.class)
                .run(args);
    }
}
