package uz.lms.registration.gateway.protection;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import uz.lms.registration.gateway.GatewayProperties;
import uz.lms.registration.gateway.fastapi.ApiEndpoint;
import uz.lms.registration.gateway.fastapi.FastApi;
import uz.lms.registration.gateway.fastapi.Outcomes;

/**
 * When {@code gateway.api-key} is set, every {@link ApiEndpoint} requires one of its keys in {@code X-API-Key}.
 * Checked on the handler Spring MVC picked, not on the raw path (which {@code /register;x} or
 * {@code /regist%65r} would dodge), and before the body is read, as FastAPI resolves a security
 * dependency first. Docs, actuator and error pages stay open.
 *
 * <p>Wrong keys are counted per address ({@code gateway.rate-limit.failed-keys}): an address past its limit gets 429
 * for every request, the right key too, until its bucket refills, so that no answer tells it whether a guess was
 * right. A front end that holds the key and shares its address with nobody never gets there.
 */
@Component
class ApiKeyCheck implements HandlerInterceptor, WebMvcConfigurer {

    static final String HEADER = "X-API-Key";

    private static final Logger log = LoggerFactory.getLogger(ApiKeyCheck.class);

    /** Each key's SHA-256: digests are all of one length, so comparing them takes as long whatever a key's length. */
    private final List<byte[]> keys;

    private final boolean throttled;
    private final ClientAddress addresses;
    private final TokenBuckets.PerKey<String> failures;
    private final Outcomes outcomes;

    ApiKeyCheck(GatewayProperties properties, Clock clock, Outcomes outcomes) {
        TokenBuckets buckets = new TokenBuckets(clock);
        this.keys = properties.apiKeys().stream().map(ApiKeyCheck::digest).toList();
        GatewayProperties.RateLimit settings = properties.rateLimit();
        this.throttled = settings.enabled();
        this.addresses = new ClientAddress(settings.trustedProxies());
        this.failures = buckets.perKey(settings.failedKeys(), settings.maxClients());
        this.outcomes = outcomes;
        if (keys.isEmpty()) {
            log.warn(
                    "gateway.api-key is not set: POST /register and POST /verify are open to anyone who can reach them");
        }
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        if (!keys.isEmpty()) {
            registry.addInterceptor(this);
        }
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws IOException {
        if (Outcomes.endpoint(handler) == null) {
            return true;
        }
        String presented = request.getHeader(HEADER);
        if (!throttled) {
            return matches(presented) || unauthorized(response, handler);
        }
        String address = addresses.of(request);
        Bucket failed = failures.ifPresent(address);
        if (failed != null) {
            EstimationProbe probe = failed.estimateAbilityToConsume(1);
            if (!probe.canBeConsumed()) {
                return tooManyFailures(response, handler, probe.getNanosToWaitForRefill());
            }
        }
        if (matches(presented)) {
            return true;
        }
        ConsumptionProbe probe = failures.get(address).tryConsumeAndReturnRemaining(1);
        return probe.isConsumed()
                ? unauthorized(response, handler)
                : tooManyFailures(response, handler, probe.getNanosToWaitForRefill());
    }

    /**
     * Compares the presented key with every key, in constant time and without stopping at a match: how long it takes
     * tells neither how much of a guess was right nor which key it was.
     */
    private boolean matches(@Nullable String presented) {
        if (presented == null) {
            return false;
        }
        byte[] digest = digest(presented);
        boolean matched = false;
        for (byte[] key : keys) {
            matched |= MessageDigest.isEqual(key, digest);
        }
        return matched;
    }

    private boolean unauthorized(HttpServletResponse response, Object handler) throws IOException {
        outcomes.record(handler, "unauthorized");
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "APIKey");
        FastApi.write(response, HttpStatus.UNAUTHORIZED, FastApi.NOT_AUTHENTICATED);
        return false;
    }

    private boolean tooManyFailures(HttpServletResponse response, Object handler, long nanosToWait) throws IOException {
        outcomes.record(handler, "throttled");
        FastApi.write(response, TokenBuckets.tooManyRequests(nanosToWait));
        return false;
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
