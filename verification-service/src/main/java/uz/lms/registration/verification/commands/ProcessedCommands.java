package uz.lms.registration.verification.commands;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Repository;
import uz.lms.registration.verification.VerificationProperties;

/** The commands already applied, by {@code event_id}, with the reply each got. */
@Repository
class ProcessedCommands {

    private static final int BATCH = 1_000;

    private final JdbcClient jdbc;
    private final Clock clock;
    private final VerificationProperties properties;

    ProcessedCommands(JdbcClient jdbc, Clock clock, VerificationProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.properties = properties;
    }

    /**
     * Claims commands for this transaction: those it returns are new, to apply; the others were applied before.
     * A concurrent claim of one of the same ids waits here until the first commits, so a command is never applied
     * twice; ids are claimed in order, so that two such claims wait for each other instead of deadlocking.
     */
    Set<UUID> claim(Collection<UUID> eventIds) {
        return new HashSet<>(jdbc.sql("""
                        INSERT INTO processed_commands (event_id, processed_at)
                        SELECT event_id, ? FROM unnest(?) AS event_id ORDER BY event_id
                        ON CONFLICT DO NOTHING
                        RETURNING event_id""")
                .params(now(), new SqlArrayValue("uuid", eventIds.toArray()))
                .query(UUID.class)
                .list());
    }

    /** The replies commands applied before got, by {@code event_id}. */
    Map<UUID, byte[]> replies(Collection<UUID> eventIds) {
        Map<UUID, byte[]> replies = new HashMap<>();
        jdbc.sql("SELECT event_id, reply FROM processed_commands WHERE event_id = ANY(?)")
                .param(new SqlArrayValue("uuid", eventIds.toArray()))
                .query((RowCallbackHandler)
                        row -> replies.put(row.getObject("event_id", UUID.class), row.getBytes("reply")));
        return replies;
    }

    /** Keeps the replies of commands claimed in this transaction, for their redeliveries. */
    void complete(Map<UUID, byte[]> replies) {
        if (replies.isEmpty()) {
            return;
        }
        List<UUID> eventIds = List.copyOf(replies.keySet());
        jdbc.sql("""
                        UPDATE processed_commands SET reply = completed.reply
                        FROM unnest(?, ?) AS completed (event_id, reply)
                        WHERE processed_commands.event_id = completed.event_id""")
                .params(
                        new SqlArrayValue("uuid", eventIds.toArray()),
                        // Typed: the driver makes a bytea[] of a byte[][] only.
                        new SqlArrayValue("bytea", (Object[])
                                eventIds.stream().map(replies::get).toArray(byte[][]::new)))
                .update();
    }

    /**
     * Redeliveries come within minutes; replies older than the retention are of no further use. A
     * thousand rows per statement, each committed on its own, so that the sweep never holds many
     * locks for long nor builds one huge transaction.
     */
    @Scheduled(fixedDelayString = "${verification.cleanup-interval}")
    void forgetOldCommands() {
        OffsetDateTime floor = now().minus(properties.commandRetention());
        int deleted;
        do {
            deleted = jdbc.sql("""
                            DELETE FROM processed_commands WHERE event_id IN (
                                SELECT event_id FROM processed_commands WHERE processed_at < ?
                                LIMIT ? FOR UPDATE SKIP LOCKED)""").params(floor, BATCH).update();
        } while (deleted == BATCH);
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }
}
