package uz.lms.registration.verification.outbox;

import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
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
 * publish is retried by its sweep. Each row keeps the W3C {@code traceparent} of the span its entry was made in,
 * the command's, which the record's publishing continues however late it comes.
 */
@Component
@Transactional(propagation = Propagation.MANDATORY)
public class Outbox {

    /** The W3C header, and the column, that carry a trace. */
    static final String TRACEPARENT = "traceparent";

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final PayloadCipher cipher;
    private final ApplicationEventPublisher events;
    private final Tracer tracer;
    private final Propagator propagator;

    Outbox(
            JdbcClient jdbc,
            JsonMapper json,
            PayloadCipher cipher,
            ApplicationEventPublisher events,
            Tracer tracer,
            Propagator propagator) {
        this.jdbc = jdbc;
        this.json = json;
        this.cipher = cipher;
        this.events = events;
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /** An entry to {@link #append}: {@code value} on {@code topic}, keyed by the user, in the current span's trace. */
    public Entry entry(String topic, long telegramId, Object value) {
        return new Entry(topic, telegramId, value, traceparent());
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
        Object[] traceparents = new Object[entries.size()];
        // Typed: the driver makes a bytea[] of a byte[][] only.
        byte[][] payloads = new byte[entries.size()][];
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            topics[i] = entry.topic();
            keys[i] = Topics.key(entry.telegramId());
            traceparents[i] = entry.traceparent();
            payloads[i] = cipher.seal(entry.topic(), (String) keys[i], json.writeValueAsBytes(entry.value()));
        }
        List<Long> ids = jdbc.sql("""
                        INSERT INTO outbox (topic, record_key, payload, traceparent)
                        SELECT topic, record_key, payload, traceparent
                        FROM unnest(?, ?, ?, ?) WITH ORDINALITY
                            AS entry (topic, record_key, payload, traceparent, position)
                        ORDER BY position
                        RETURNING id""")
                .params(
                        new SqlArrayValue("varchar", topics),
                        new SqlArrayValue("varchar", keys),
                        new SqlArrayValue("bytea", (Object[]) payloads),
                        new SqlArrayValue("text", traceparents))
                .query(Long.class)
                .list();
        ids.forEach(id -> events.publishEvent(new Appended(id)));
    }

    /** The current span's W3C {@code traceparent}; null outside any span. */
    private @Nullable String traceparent() {
        TraceContext current = tracer.currentTraceContext().context();
        if (current == null) {
            return null;
        }
        Map<String, String> headers = new HashMap<>();
        propagator.inject(current, headers, Map::put);
        return headers.get(TRACEPARENT);
    }

    /**
     * A record to publish: {@code value} on {@code topic}, keyed by the user; its publishing continues the trace of
     * {@code traceparent}, if any ({@link #entry}).
     */
    public record Entry(
            String topic,
            long telegramId,
            Object value,
            @Nullable String traceparent) {}

    /** A row was written to the outbox; the relay hears of it once its transaction has committed. */
    record Appended(long id) {}
}
