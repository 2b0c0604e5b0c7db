package uz.lms.registration.gateway.protection;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import uz.lms.registration.gateway.GatewayProperties.Limit;
import uz.lms.registration.gateway.fastapi.Detail;
import uz.lms.registration.gateway.fastapi.FastApi;

/**
 * Bucket4j's token buckets for {@code gateway.rate-limit}, on the service's clock, which tests move by hand: one for a
 * limit, or one for each client, account or address, of which the least recently seen are forgotten first.
 */
final class TokenBuckets {

    private static final double NANOS_PER_SECOND = 1e9;

    private final TimeMeter time;

    TokenBuckets(Clock clock) {
        this.time = new ClockTime(clock);
    }

    Bucket of(Limit limit) {
        // One token at a time, as often as the rate says: a rate under one a second is a period over one second.
        Duration refill = Duration.ofNanos(Math.round(NANOS_PER_SECOND / limit.perSecond()));
        return Bucket.builder()
                .addLimit(bandwidth -> bandwidth.capacity(limit.burst()).refillGreedy(1, refill))
                .withCustomTimePrecision(time)
                .build();
    }

    <K> PerKey<K> perKey(Limit limit, int maxKeys) {
        return new PerKey<>(this, limit, maxKeys);
    }

    /** 429 for a request that would have to wait this long for a token. */
    static ResponseEntity<Detail> tooManyRequests(long nanosToWait) {
        return FastApi.tooManyRequests(Math.ceilDiv(nanosToWait, (long) NANOS_PER_SECOND));
    }

    /** A bucket for each key, made full when the key is first seen. */
    static final class PerKey<K> {

        private final TokenBuckets buckets;
        private final Limit limit;
        private final Cache<K, Bucket> byKey;

        private PerKey(TokenBuckets buckets, Limit limit, int maxKeys) {
            this.buckets = buckets;
            this.limit = limit;
            // A bucket left alone until it has refilled is as good as a new one: forgetting it changes nothing.
            this.byKey = Caffeine.newBuilder()
                    .maximumSize(maxKeys)
                    .expireAfterAccess(refillTime(limit))
                    .ticker(buckets.time::currentTimeNanos)
                    .build();
        }

        Bucket get(K key) {
            return byKey.get(key, unused -> buckets.of(limit));
        }

        /** The key's bucket, or null while it is full (never used, or forgotten since). */
        @Nullable
        Bucket ifPresent(K key) {
            return byKey.getIfPresent(key);
        }

        private static Duration refillTime(Limit limit) {
            return Duration.ofNanos((long) Math.ceil(limit.burst() * NANOS_PER_SECOND / limit.perSecond()));
        }
    }

    /** Bucket4j's time is the service's clock. */
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
