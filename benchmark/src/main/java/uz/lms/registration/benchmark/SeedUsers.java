package uz.lms.registration.benchmark;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Seeds the {@link BenchmarkUsers} once per database, straight into the {@code users} table, and gives the
 * verifying ones a clean slate, so that every run meets the same state: no lockouts from the previous run's
 * failed checks. Prints PostgreSQL's durability settings, since figures from a database that does not flush
 * its commits are not comparable with those from one that does.
 *
 * <pre>java -cp ... SeedUsers &lt;jdbc url&gt; &lt;user&gt; &lt;password&gt;</pre>
 */
public final class SeedUsers {

    private SeedUsers() {}

    public static void main(String[] args) throws SQLException {
        try (Connection db = DriverManager.getConnection(args[0], args[1], args[2])) {
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
