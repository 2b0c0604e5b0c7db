package uz.lms.registration.benchmark;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * What the simulations share: the settings {@code scripts/benchmark.sh} passes as system properties, the
 * two requests, and the seeded users ({@link BenchmarkUsers}).
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

    /**
     * Seeds the users once per database, and gives the verifying ones a clean slate, so that every run
     * meets the same state: no lockouts from the previous run's failed checks.
     */
    static void prepareUsers() {
        try (Connection db = DriverManager.getConnection(
                System.getProperty("bench.jdbc-url"),
                System.getProperty("bench.jdbc-user"),
                System.getProperty("bench.jdbc-password"))) {
            // For the record: figures on a database that does not flush its commits are not comparable.
            System.out.printf(
                    "postgres: fsync=%s synchronous_commit=%s%n", show(db, "fsync"), show(db, "synchronous_commit"));
            if (count(db) < BenchmarkUsers.SEEDED) {
                try (PreparedStatement seed = db.prepareStatement("""
                        INSERT INTO users (telegram_id, phone_number, attested_phone_number, language, created_at,
                                           updated_at)
                        SELECT ? + n, '+99890' || lpad(n::text, 7, '0'), '+99890' || lpad(n::text, 7, '0'), 'uz',
                               now(), now()
                        FROM generate_series(0, ? - 1) n
                        ON CONFLICT (telegram_id) DO NOTHING""")) {
                    seed.setLong(1, BenchmarkUsers.FIRST_TELEGRAM_ID);
                    seed.setInt(2, BenchmarkUsers.SEEDED);
                    seed.executeUpdate();
                }
            }
            try (PreparedStatement reset = db.prepareStatement("""
                    UPDATE users SET verification_code = NULL, expires_at = NULL, api_failed_attempts = 0,
                                     api_failures_in_row = 0, api_last_failure_at = NULL, updated_at = now()
                    WHERE telegram_id >= ? AND telegram_id < ?""")) {
                reset.setLong(1, BenchmarkUsers.telegramId(0));
                reset.setLong(2, BenchmarkUsers.telegramId(BenchmarkUsers.VERIFYING));
                reset.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not prepare the benchmark's users", e);
        }
    }

    private static String show(Connection db, String setting) throws SQLException {
        try (PreparedStatement show = db.prepareStatement("SELECT current_setting(?)")) {
            show.setString(1, setting);
            try (ResultSet result = show.executeQuery()) {
                result.next();
                return result.getString(1);
            }
        }
    }

    private static long count(Connection db) throws SQLException {
        try (PreparedStatement count = db.prepareStatement("SELECT count(*) FROM users WHERE telegram_id >= ?")) {
            count.setLong(1, BenchmarkUsers.FIRST_TELEGRAM_ID);
            try (ResultSet result = count.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }
}
