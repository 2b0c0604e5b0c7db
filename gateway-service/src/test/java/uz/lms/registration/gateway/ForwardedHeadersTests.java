package uz.lms.registration.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.cloud.CloudPlatform;
import uz.lms.registration.gateway.RunningGateway.Response;

/**
 * Whose {@code X-Forwarded-For} the gateway believes: only that of {@code gateway.rate-limit.trusted-proxies}, wherever
 * it runs. On Kubernetes Spring Boot would have Tomcat believe any private or loopback peer's, unless told not to.
 */
class ForwardedHeadersTests {

    @Test
    void onKubernetesALoopbackPeerRotatingXForwardedForIsStillOneClient() {
        try (RunningGateway gateway = RunningGateway.startWithEnvironment(
                Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1", "KUBERNETES_SERVICE_PORT", "443"),
                "gateway.api-key=",
                "gateway.rate-limit.per-client.burst=3",
                // None refills while the test runs.
                "gateway.rate-limit.per-client.per-second=0.001")) {
            assertThat(CloudPlatform.getActive(gateway.context().getEnvironment()))
                    .isEqualTo(CloudPlatform.KUBERNETES);

            // The limit comes before the body is read: an empty body is answered 422 once the request is let through.
            for (int i = 1; i <= 3; i++) {
                assertThat(registerFrom(gateway, "203.0.113." + i).status()).isEqualTo(422);
            }
            Response fourth = registerFrom(gateway, "203.0.113.4");

            assertThat(fourth.status()).isEqualTo(429);
            assertThat(fourth.detail())
                    .isEqualTo("Too many requests, try again in "
                            + fourth.retryAfter().orElseThrow() + " seconds");
        }
    }

    private static Response registerFrom(RunningGateway gateway, String forwardedFor) {
        return gateway.send(gateway.request("/register")
                .header("Content-Type", "application/json")
                .header("X-Forwarded-For", forwardedFor)
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
    }
}
