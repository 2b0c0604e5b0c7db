package uz.lms.registration.gateway.fastapi;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerMapping;
import uz.lms.registration.contracts.Outcome;
import uz.lms.registration.gateway.GatewayProperties;

/**
 * What each request to an {@link ApiEndpoint} came to, counted under the endpoint's name in
 * {@code gateway.outcomes{endpoint, outcome}}, next to the latency histogram of {@code http.server.requests}:
 * a reply under its outcome's wire name ({@code code_sent}, {@code verified}, ...), logged too, and a request
 * that got none under {@code invalid_request}, {@code unauthorized}, {@code throttled}, {@code shed} or
 * {@code unavailable}.
 */
@Component
public class Outcomes {

    private static final Logger log = LoggerFactory.getLogger(Outcomes.class);

    private final MeterRegistry registry;
    private final Semaphore inFlight;
    /** Each endpoint's and outcome's counter, looked up in the registry once rather than on every request. */
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    Outcomes(MeterRegistry registry, GatewayProperties properties) {
        this.registry = registry;
        this.inFlight = new Semaphore(properties.maxInFlight());
    }

    /**
     * Whether {@code gateway.max-in-flight} requests are waiting for verification-service already: a request
     * now would be shed, so it can be answered before its body is even read ({@code gateway.protection}).
     */
    public boolean saturated() {
        return inFlight.availablePermits() == 0;
    }

    /**
     * Asks verification-service and answers the request this thread serves with the outcome it replied, as the
     * endpoint's table says, or 503 when no usable reply came in time. The thread waits for the reply: a virtual
     * thread, which costs less than handing the request back to Tomcat to dispatch a second time. When
     * {@code gateway.max-in-flight} requests are waiting already, verification-service is falling behind: the
     * request is not sent, and gets 503 at once rather than after the reply timeout (most such requests are shed
     * sooner, before their body is read: {@link #saturated()}).
     */
    public <O extends Outcome> ResponseEntity<?> answer(
            long telegramId, Supplier<CompletableFuture<O>> request, Function<O, ResponseEntity<?>> table) {
        String endpoint = endpoint(RequestContextHolder.currentRequestAttributes()
                .getAttribute(HandlerMapping.BEST_MATCHING_HANDLER_ATTRIBUTE, RequestAttributes.SCOPE_REQUEST));
        if (!inFlight.tryAcquire()) {
            return shed(endpoint);
        }
        O outcome;
        try {
            // The request's future always completes: with the reply, or failed within the reply timeout.
            outcome = request.get().join();
        } catch (CompletionException e) {
            count(endpoint, "unavailable");
            // The client has logged why: the command and the failure's type.
            log.warn("{} telegram_id={} outcome=unavailable", endpoint, telegramId);
            return FastApi.unavailable();
        } finally {
            inFlight.release();
        }
        count(endpoint, outcome.type());
        // verification-service logs every command with its outcome, and gateway_outcomes_total counts them.
        log.debug("{} telegram_id={} outcome={}", endpoint, telegramId, outcome.type());
        return table.apply(outcome);
    }

    /**
     * 503 at once for a request not sent, since verification-service is falling behind. Counted, not logged: under
     * overload a line per request would cost the gateway what it saves by shedding.
     */
    public ResponseEntity<Detail> shed(String endpoint) {
        count(endpoint, "shed");
        return FastApi.unavailable();
    }

    /** Counts a request that ended before it reached its handler, if that is an {@link ApiEndpoint}. */
    public void record(HttpServletRequest request, String outcome) {
        record(request.getAttribute(HandlerMapping.BEST_MATCHING_HANDLER_ATTRIBUTE), outcome);
    }

    public void record(@Nullable Object handler, String outcome) {
        String endpoint = endpoint(handler);
        if (endpoint != null) {
            count(endpoint, outcome);
        }
    }

    /** The name of the {@link ApiEndpoint} a handler is, or null for docs, actuator and error pages. */
    public static @Nullable String endpoint(@Nullable Object handler) {
        return handler instanceof HandlerMethod method
                        && method.getMethodAnnotation(ApiEndpoint.class) instanceof ApiEndpoint endpoint
                ? endpoint.value()
                : null;
    }

    private void count(String endpoint, String outcome) {
        counters.computeIfAbsent(
                        endpoint + ' ' + outcome,
                        unused -> Counter.builder("gateway.outcomes")
                                .description("API requests by endpoint and outcome")
                                .tag("endpoint", endpoint)
                                .tag("outcome", outcome)
                                .register(registry))
                .increment();
    }
}
