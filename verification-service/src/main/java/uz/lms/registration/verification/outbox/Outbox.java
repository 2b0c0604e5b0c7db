package uz.lms.registration.verification.outbox;

import java.util.List;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;
import uz.lms.registration.contracts.Topics;

/**
 * Records to publish, written in the same transaction as the change that causes them. Once that
 * transaction commits they are published within milliseconds by the {@link OutboxRelay}; what fails to
 * publish is retried by its sweep.
 */
@Component
@Transactional(propagation = Propagation.MANDATORY)
public class Outbox {

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final PayloadCipher cipher;
    private final ApplicationEventPublisher events;

    Outbox(JdbcClient jdbc, JsonMapper json, PayloadCipher cipher, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.json = json;
        this.cipher = cipher;
        this.events = events;
    }

    /**
     * Publishes each entry's value as JSON on its topic, keyed by its user, after the current transaction commits:
     * one statement for them all, whose rows take their ids in the list's order, the order the relay keeps.
     */
    public void append(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        Object[] topics = new Object[entries.size()];
        Object[] keys = new Object[entries.size()];
        // Typed: the driver makes a bytea[] of a byte[][] only.
        byte[][] payloads = new byte[entries.size()][];
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            topics[i] = entry.topic();
            keys[i] = Topics.key(entry.telegramId());
            payloads[i] = cipher.seal(entry.topic(), (String) keys[i], json.writeValueAsBytes(entry.value()));
        }
        List<Long> ids = jdbc.sql("""
                        INSERT INTO outbox (topic, record_key, payload)
                        SELECT topic, record_key, payload
                        FROM unnest(?, ?, ?) WITH ORDINALITY AS entry (topic, record_key, payload, position)
                        ORDER BY position
                        RETURNING id""")
                .params(
                        new SqlArrayValue("varchar", topics),
                        new SqlArrayValue("varchar", keys),
                        new SqlArrayValue("bytea", (Object[]) payloads))
                .query(Long.class)
                .list();
        ids.forEach(id -> events.publishEvent(new Appended(id)));
    }

    /** A record to publish: {@code value} on {@code topic}, keyed by the user. */
    public record Entry(String topic, long telegramId, Object value) {}

    /** A row was written to the outbox; the relay hears of it once its transaction has committed. */
    record Appended(long id) {}
}
