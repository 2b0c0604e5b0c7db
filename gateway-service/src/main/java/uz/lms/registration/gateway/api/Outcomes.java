package uz.lms.registration.gateway.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerMapping;

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

    /** Records the outcome of a request to {@code /register} or {@code /verify}; other requests are not counted. */
    void record(HttpServletRequest request, String outcome) {
        // The pattern Spring MVC matched, not the raw path, which may be encoded or carry ;parameters.
        if (request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE) instanceof String pattern
                && (pattern.equals("/register") || pattern.equals("/verify"))) {
            record(pattern.substring(1), outcome);
        }
    }
}
