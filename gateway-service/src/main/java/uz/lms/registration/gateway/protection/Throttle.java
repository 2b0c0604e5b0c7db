package uz.lms.registration.gateway.protection;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.function.Supplier;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import uz.lms.registration.gateway.GatewayProperties;
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
 *
 * <p>Behind {@code gateway.api-key} the client is the operator's front end, which serves many people: each of them,
 * told apart by the {@code telegram_id} of the body, has a bucket of its own too ({@link #perAccount}).
 */
@Component
public class Throttle implements HandlerInterceptor, WebMvcConfigurer {

    /** After {@link ApiKeyCheck}, registered with the default order 0. */
    private static final int ORDER = 1;
    /** Every holder of {@code gateway.api-key} is one client: the operator's front end. */
    private static final String KEY_HOLDER = "api-key";

    private final GatewayProperties.RateLimit settings;
    private final boolean byApiKey;
    private final ClientAddress addresses;
    private final Bucket total;
    private final TokenBuckets.PerKey<String> clients;
    private final TokenBuckets.PerKey<Long> accounts;
    private final Outcomes outcomes;

    Throttle(GatewayProperties properties, Clock clock, Outcomes outcomes) {
        TokenBuckets buckets = new TokenBuckets(clock);
        this.settings = properties.rateLimit();
        this.byApiKey = properties.apiKeyRequired();
        this.addresses = new ClientAddress(settings.trustedProxies());
        this.total = buckets.of(settings.total());
        this.clients = buckets.perKey(settings.perClient(), settings.maxClients());
        this.accounts = buckets.perKey(settings.perAccount(), settings.maxClients());
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
        ConsumptionProbe probe = clients.get(client).tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            probe = total.tryConsumeAndReturnRemaining(1);
        }
        if (probe.isConsumed()) {
            return true;
        }
        outcomes.record(handler, "throttled");
        FastApi.write(response, TokenBuckets.tooManyRequests(probe.getNanosToWaitForRefill()));
        return false;
    }

    /**
     * The answer to a request for this account, or 429 when, behind {@code gateway.api-key}, the account has gone over
     * {@code gateway.rate-limit.per-account}. The key holder then gets back the tokens the request took, so that one
     * person's flood spends nothing of the front end's share. Without a key every address is a client already, and
     * anyone could name any {@code telegram_id}: a limit per account would only let them lock its owner out.
     */
    public ResponseEntity<?> perAccount(long telegramId, Supplier<ResponseEntity<?>> answer) {
        if (!settings.enabled() || !byApiKey) {
            return answer.get();
        }
        ConsumptionProbe probe = accounts.get(telegramId).tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return answer.get();
        }
        clients.get(KEY_HOLDER).addTokens(1);
        total.addTokens(1);
        outcomes.record(
                ((ServletRequestAttributes) RequestContextHolder.currentRequestAttributes()).getRequest(), "throttled");
        return TokenBuckets.tooManyRequests(probe.getNanosToWaitForRefill());
    }
}
