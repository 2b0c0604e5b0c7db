package uz.lms.registration.benchmark;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The open loop's settings, which {@code scripts/benchmark.sh} passes as system properties, and its two
 * requests, on the users {@link SeedUsers} seeded ({@link BenchmarkUsers}); the closed loop sends the same
 * with wrk ({@code benchmark/wrk/}).
 *
 * <p>{@code /verify} takes a random one of the {@link BenchmarkUsers#VERIFYING} users and a random code,
 * as an attacker or a mistyping client would: nearly every answer is 400, each a failed check counted in
 * the database. {@code /register} takes a fresh user each time, from {@code bench.first-user} on, and gets
 * a code sent. An answer is a success when it is one of the contract's answers other than 503.
 */
final class Load {

    static final String GATEWAY = System.getProperty("bench.gateway", "http://localhost:8080");
    static final Duration DURATION = Duration.ofSeconds(Long.getLong("bench.seconds", 30));
    private static final AtomicLong nextUser =
            new AtomicLong(Long.getLong("bench.first-user", BenchmarkUsers.VERIFYING));

    private Load() {}

    static HttpProtocolBuilder protocol() {
        return http.baseUrl(GATEWAY)
                .contentTypeHeader("application/json")
                .acceptHeader("application/json")
                .disableCaching();
    }

    static ChainBuilder verify() {
        Iterator<Map<String, Object>> guesses = Stream.generate(() -> Map.<String, Object>of(
                        "telegram_id",
                        BenchmarkUsers.telegramId(ThreadLocalRandom.current().nextInt(BenchmarkUsers.VERIFYING)),
                        "code",
                        "%06d".formatted(ThreadLocalRandom.current().nextInt(1_000_000))))
                .iterator();
        return feed(guesses)
                .exec(http("verify")
                        .post("/verify")
                        .body(StringBody("{\"telegram_id\":#{telegram_id},\"verification_code\":\"#{code}\"}"))
                        .check(status().in(200, 400, 409, 429)));
    }

    static ChainBuilder register() {
        Iterator<Map<String, Object>> users = Stream.generate(
                        () -> Map.<String, Object>of("body", BenchmarkUsers.registerBody(nextUser.getAndIncrement())))
                .iterator();
        return feed(users)
                .exec(http("register")
                        .post("/register")
                        .body(StringBody("#{body}"))
                        .check(status().is(200)));
    }
}
