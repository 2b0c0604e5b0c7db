package uz.lms.registration.telegram.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import uz.lms.registration.telegram.bot.ConditionalOnBotToken;

/**
 * What operators see of each code's delivery: the funnel's counters and timer (docs/observability.md), and the
 * outcome on the code's span. Labels and tags take bounded values only; the user is on the span alone, by
 * {@code telegram_id}.
 */
@Component
@ConditionalOnBotToken
class DeliveryTelemetry {

    static final String BLOCKED = "blocked";
    static final String CHAT_NOT_FOUND = "chat_not_found";
    static final String TELEGRAM_ERROR = "telegram_error";

    // On the span both are high-cardinality keys, though bounded: a low-cardinality key on spring-kafka's listener
    // observation would also tag its timer, and for this one listener only.
    private static final String OUTCOME = "outcome";
    private static final String REASON = "reason";

    private final Counter delivered;
    private final Map<String, Counter> failed;
    private final Counter expired;
    private final Timer delivery;

    DeliveryTelemetry(MeterRegistry meters) {
        delivered = Counter.builder("telegram.codes.delivered")
                .description("Codes Telegram accepted in the user's chat")
                .register(meters);
        failed = Stream.of(BLOCKED, CHAT_NOT_FOUND, TELEGRAM_ERROR)
                .collect(Collectors.toUnmodifiableMap(
                        Function.identity(),
                        reason -> Counter.builder("telegram.codes.failed")
                                .description("Codes Telegram refused for good, by reason")
                                .tag(REASON, reason)
                                .register(meters)));
        expired = Counter.builder("telegram.codes.expired")
                .description("Codes that expired before they could be sent, and so were not")
                .register(meters);
        delivery = Timer.builder("telegram.code.delivery")
                .description("From the registration (the shared contact or /register) to Telegram's acceptance of the"
                        + " code's message")
                .publishPercentileHistogram()
                // the delivery objective, p99 within 5 s, as a bucket of its own
                .serviceLevelObjectives(Duration.ofSeconds(5))
                .minimumExpectedValue(Duration.ofMillis(10))
                // a code lives a minute by default: later than that, it is not sent
                .maximumExpectedValue(Duration.ofMinutes(2))
                .register(meters);
    }

    /** @param requestedAt the registration's time; null in records of releases before it, then not timed */
    void delivered(Observation span, @Nullable Instant requestedAt, Instant accepted) {
        span.highCardinalityKeyValue(OUTCOME, "delivered");
        delivered.increment();
        if (requestedAt != null) {
            delivery.record(Duration.between(requestedAt, accepted));
        }
    }

    /** @param reason {@link #BLOCKED}, {@link #CHAT_NOT_FOUND} or {@link #TELEGRAM_ERROR} */
    void failed(Observation span, String reason) {
        span.highCardinalityKeyValue(OUTCOME, "failed").highCardinalityKeyValue(REASON, reason);
        failed.get(reason).increment();
    }

    void expired(Observation span) {
        span.highCardinalityKeyValue(OUTCOME, "expired");
        expired.increment();
    }
}
