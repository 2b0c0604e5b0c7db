package uz.lms.registration.gateway.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * Counts what each API request came to ({@code gateway.outcomes{endpoint, outcome}}), next to the
 * latency histogram of {@code http.server.requests}.
 */
@Component
public class Outcomes {

    private final MeterRegistry registry;

    Outcomes(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * @param endpoint {@code register} or {@code verify}
     * @param outcome  a reply's type id ({@code code_sent}, {@code verified}, ...), or {@code invalid_request},
     *                 {@code unauthorized}, {@code unavailable}
     */
    public void record(String endpoint, String outcome) {
        Counter.builder("gateway.outcomes")
                .description("API requests by endpoint and outcome")
                .tag("endpoint", endpoint)
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }

    /** The endpoint a request path names, or null for any other path. */
    static String endpointOf(String path) {
        return switch (path) {
            case "/register" -> "register";
            case "/verify" -> "verify";
            default -> null;
        };
    }
}
