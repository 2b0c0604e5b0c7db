package uz.lms.registration.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import uz.lms.registration.client.VerificationClient;
import uz.lms.registration.telegram.bot.Messenger;
import uz.lms.registration.testsupport.EmbeddedInfrastructure;

/** No token: the service still starts, neither polls nor delivers, and its health says why. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WithoutBotTokenTests {

    private final HttpClient http = HttpClient.newHttpClient();

    @Autowired
    private ApplicationContext context;

    @Autowired
    private Environment environment;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", EmbeddedInfrastructure::bootstrapServers);
    }

    @Test
    void theServiceRunsWithoutPollingOrDelivering() {
        assertThat(context.getBeanNamesForType(Messenger.class)).isEmpty();
        assertThat(context.getBeanNamesForType(VerificationClient.class)).isEmpty();
        assertThat(context.getBean(KafkaListenerEndpointRegistry.class).getListenerContainers())
                .isEmpty();
    }

    @Test
    void healthReportsTheBotDownWhileTheProbesStayUp() throws Exception {
        HttpResponse<String> health = get("/actuator/health");

        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(health.body()).contains("\"bot\":{\"status\":\"DOWN\"}");
        assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(get("/actuator/prometheus").body()).contains("jvm_threads_live_threads");
        assertThat(get("/actuator/env").statusCode()).isEqualTo(404);
    }

    private HttpResponse<String> get(String path) throws Exception {
        URI uri = URI.create("http://localhost:" + environment.getProperty("local.server.port") + path);
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }
}
