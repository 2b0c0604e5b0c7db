package uz.lms.registration.verification.commands;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
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
     * Claims a command for this transaction. Empty: it is new, apply it. Otherwise it was applied
     * before, and this is its reply. A concurrent claim of the same id waits here until the first
     * commits, so a command is never applied twice.
     */
    Optional<byte[]> claim(UUID eventId) {
        int inserted = jdbc.sql(
                        "INSERT INTO processed_commands (event_id, processed_at) VALUES (?, ?) ON CONFLICT DO NOTHING")
                .params(eventId, now())
                .update();
        if (inserted == 1) {
            return Optional.empty();
        }
        return Optional.of(jdbc.sql("SELECT reply FROM processed_commands WHERE event_id = ?")
                .param(eventId)
                .query(byte[].class)
                .single());
    }

    void complete(UUID eventId, byte[] reply) {
        jdbc.sql("UPDATE processed_commands SET reply = ? WHERE event_id = ?")
                .params(reply, eventId)
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
