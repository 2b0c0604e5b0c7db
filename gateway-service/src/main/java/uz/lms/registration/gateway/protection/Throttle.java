package uz.lms.registration.gateway.protection;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import uz.lms.registration.gateway.GatewayProperties;
import uz.lms.registration.gateway.GatewayProperties.Limit;
import uz.lms.registration.gateway.fastapi.ApiEndpoint;
import uz.lms.registration.gateway.fastapi.FastApi;
import uz.lms.registration.gateway.fastapi.Outcomes;

/**
 * {@code gateway.rate-limit}: a token bucket for each client and one for all of them together; a request past
 * either gets 429 with when to retry, and nothing is sent. A client's tokens are taken first, so that a flooding
 * client spends only its own rate of the total. Checked on the {@link ApiEndpoint} Spring MVC picked and before the
 * body is read, so that membership answers (already verified, number taken) come only at each client's pace; and
 * after {@link ApiKeyCheck}, since only a checked key can name a client: counting made-up keys would give each a
 * bucket of its own, while a request without the key costs a constant-time comparison and reaches nothing.
 */
@Component
class Throttle implements HandlerInterceptor, WebMvcConfigurer {

    /** After {@link ApiKeyCheck}, registered with the default order 0. */
    private static final int ORDER = 1;
    /** Every holder of {@code gateway.api-key} is one client: the operator's front end. */
    private static final String KEY_HOLDER = "api-key";

    private final GatewayProperties.RateLimit settings;
    private final boolean byApiKey;
    private final ClientAddress addresses;
    private final TimeMeter time;
    private final Bucket total;
    private final Cache<String, Bucket> clients;
    private final Outcomes outcomes;

    Throttle(GatewayProperties properties, Clock clock, Outcomes outcomes) {
        this.settings = properties.rateLimit();
        this.byApiKey = properties.apiKeyRequired();
        this.addresses = new ClientAddress(settings.trustedProxies());
        this.time = new ClockTime(clock);
        this.total = bucket(settings.total());
        // A bucket left alone until it has refilled is as good as a new one: forgetting it changes nothing.
        this.clients = Caffeine.newBuilder()
                .maximumSize(settings.maxClients())
                .expireAfterAccess(refillTime(settings.perClient()))
                .ticker(time::currentTimeNanos)
                .build();
        this.outcomes = outcomes;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        if (settings.enabled()) {
            registry.addInterceptor(this).order(ORDER);
        }
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws IOException {
        if (Outcomes.endpoint(handler) == null) {
            return true;
        }
        String client = byApiKey ? KEY_HOLDER : addresses.of(request);
        ConsumptionProbe probe =
                clients.get(client, unused -> bucket(settings.perClient())).tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            probe = total.tryConsumeAndReturnRemaining(1);
        }
        if (probe.isConsumed()) {
            return true;
        }
        outcomes.record(handler, "throttled");
        FastApi.write(response, FastApi.tooManyRequests(Math.ceilDiv(probe.getNanosToWaitForRefill(), 1_000_000_000L)));
        return false;
    }

    private Bucket bucket(Limit limit) {
        return Bucket.builder()
                .addLimit(bandwidth ->
                        bandwidth.capacity(limit.burst()).refillGreedy(limit.perSecond(), Duration.ofSeconds(1)))
                .withCustomTimePrecision(time)
                .build();
    }

    private static Duration refillTime(Limit limit) {
        return Duration.ofSeconds(Math.ceilDiv(limit.burst(), limit.perSecond()));
    }

    /** Bucket4j's time is the service's clock, which tests move by hand. */
    private record ClockTime(Clock clock) implements TimeMeter {

        @Override
        public long currentTimeNanos() {
            Instant now = clock.instant();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }

        @Override
        public boolean isWallClockBased() {
            return true;
        }
    }
}
