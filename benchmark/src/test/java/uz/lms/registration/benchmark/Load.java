package uz.lms.registration.benchmark;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.responseTimeInMillis;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The open loops' settings, which {@code scripts/benchmark.sh} passes as system properties, and their two
 * requests, on the users {@link SeedUsers} seeded ({@link BenchmarkUsers}); the closed loop sends the same
 * with wrk ({@code benchmark/wrk/}).
 *
 * <p>{@code /verify} takes a random one of the {@link BenchmarkUsers#VERIFYING} users and a random code,
 * as an attacker or a mistyping client would: nearly every answer is 400, each a failed check counted in
 * the database. {@code /register} takes a fresh user each time, from {@code bench.first-user} on, and gets
 * a code sent. Each request is named after its endpoint and phase, and counted in its {@link Tally}: a
 * 503 or 429 is the stack turning the excess away (shed), and Gatling counts it KO, as it does any other
 * status than the endpoint's answers and any answer later than the gateway's reply timeout
 * ({@code bench.reply-timeout-ms}, 5,000).
 */
final class Load {

    static final String GATEWAY = System.getProperty("bench.gateway", "http://localhost:8080");
    static final Duration DURATION = Duration.ofSeconds(Long.getLong("bench.seconds", 30));
    static final double VERIFY_RATE = rate("bench.verify-rate", 1000);
    static final double REGISTER_RATE = rate("bench.register-rate", 500);
    /**
     * How long each simulation first ramps {@code /verify} up to {@link #VERIFY_RATE}, uncounted, before its
     * measured phases: Gatling's own JVM starts cold on the same two cores as the stack, and until its JIT is
     * done it neither sends on schedule nor leaves the stack its CPU (2026-12-06: the first 15 s of an open loop
     * at half capacity had p50 1 – 4 s, the rest 50 – 100 ms).
     */
    static final Duration WARM_UP = Duration.ofSeconds(Long.getLong("bench.warm-up-seconds", 20));

    private static final int REPLY_TIMEOUT_MS = Integer.getInteger("bench.reply-timeout-ms", 5000);
    private static final List<Integer> VERIFY_ANSWERS = List.of(200, 400, 409);
    private static final List<Integer> REGISTER_ANSWERS = List.of(200);
    private static final List<Integer> SHED = List.of(503, 429);
    private static final AtomicLong nextUser =
            new AtomicLong(Long.getLong("bench.first-user", BenchmarkUsers.VERIFYING));

    private Load() {}

    static double rate(String property, double otherwise) {
        return Double.parseDouble(System.getProperty(property, String.valueOf(otherwise)));
    }

    static HttpProtocolBuilder protocol() {
        return http.baseUrl(GATEWAY)
                .contentTypeHeader("application/json")
                .acceptHeader("application/json")
                .disableCaching()
                .shareConnections();
    }

    /**
     * Both endpoints at the rates given a second, from {@code start} into the simulation for {@code duration}, as
     * the phase named.
     */
    static List<PopulationBuilder> phase(
            String name, Duration start, Duration duration, double verifyRate, double registerRate) {
        return List.of(
                scenario("verify, " + name)
                        .exec(verify(Tally.of(name, "verify", duration.toSeconds())))
                        .injectOpen(injection(start, duration, verifyRate)),
                scenario("register, " + name)
                        .exec(register(Tally.of(name, "register", duration.toSeconds())))
                        .injectOpen(injection(start, duration, registerRate)));
    }

    /** The uncounted warm-up ({@link #WARM_UP}): {@code /verify} only, so that it takes none of the users {@code /register} is given. */
    static PopulationBuilder warmUp() {
        return scenario("verify, warm-up")
                .exec(verify(Tally.of("warm-up", "verify", WARM_UP.toSeconds())))
                .injectOpen(rampUsersPerSec(1).to(VERIFY_RATE).during(WARM_UP));
    }

    private static List<OpenInjectionStep> injection(Duration start, Duration duration, double rate) {
        OpenInjectionStep constant = constantUsersPerSec(rate).during(duration);
        return start.isZero() ? List.of(constant) : List.of(nothingFor(start), constant);
    }

    private static ChainBuilder verify(Tally tally) {
        Iterator<Map<String, Object>> guesses = Stream.generate(() -> Map.<String, Object>of(
                        "telegram_id",
                        BenchmarkUsers.telegramId(ThreadLocalRandom.current().nextInt(BenchmarkUsers.VERIFYING)),
                        "code",
                        "%06d".formatted(ThreadLocalRandom.current().nextInt(1_000_000))))
                .iterator();
        return feed(guesses)
                .exec(counted(
                        http("verify " + tally.phase())
                                .post("/verify")
                                .body(StringBody("{\"telegram_id\":#{telegram_id},\"verification_code\":\"#{code}\"}")),
                        VERIFY_ANSWERS,
                        tally));
    }

    private static ChainBuilder register(Tally tally) {
        Iterator<Map<String, Object>> users = Stream.generate(
                        () -> Map.<String, Object>of("body", BenchmarkUsers.registerBody(nextUser.getAndIncrement())))
                .iterator();
        return feed(users)
                .exec(counted(
                        http("register " + tally.phase()).post("/register").body(StringBody("#{body}")),
                        REGISTER_ANSWERS,
                        tally));
    }

    // The first two checks always hold when there is an answer: they keep its status and time for the tally,
    // whatever the last two make of it.
    private static ChainBuilder counted(HttpRequestActionBuilder request, List<Integer> answers, Tally tally) {
        return exec(request.check(
                        status().saveAs("status"),
                        responseTimeInMillis().saveAs("millis"),
                        status().in(answers),
                        responseTimeInMillis().lte(REPLY_TIMEOUT_MS)))
                .exec(session -> {
                    count(session, answers, tally);
                    return session;
                });
    }

    private static void count(Session session, List<Integer> answers, Tally tally) {
        if (!session.contains("status")) {
            tally.count(Tally.Outcome.FAILED, -1);
            return;
        }
        int status = session.getInt("status");
        int millis = session.getInt("millis");
        if (SHED.contains(status)) {
            tally.count(Tally.Outcome.SHED, millis);
        } else if (answers.contains(status) && millis <= REPLY_TIMEOUT_MS) {
            tally.count(Tally.Outcome.ANSWERED, millis);
        } else {
            tally.count(Tally.Outcome.FAILED, millis);
        }
    }
}
