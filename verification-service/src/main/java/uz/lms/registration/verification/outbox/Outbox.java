package uz.lms.registration.verification.outbox;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
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

    /** Publishes {@code value} as JSON on {@code topic}, keyed by the user, after the current transaction commits. */
    public void append(String topic, long telegramId, Object value) {
        insert(topic, telegramId, json.writeValueAsBytes(value));
    }

    private void insert(String topic, long telegramId, byte[] payload) {
        long id = jdbc.sql("INSERT INTO outbox (topic, record_key, payload) VALUES (?, ?, ?) RETURNING id")
                .params(topic, Topics.key(telegramId), cipher.seal(payload))
                .query(Long.class)
                .single();
        events.publishEvent(new Appended(id));
    }

    /** A row was written to the outbox; the relay hears of it once its transaction has committed. */
    record Appended(long id) {}
}
