package uz.lms.registration.verification.outbox;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.Assert;
import tools.jackson.databind.json.JsonMapper;
import uz.lms.registration.contracts.Topics;

import java.util.ArrayList;
import java.util.List;

/**
 * Records to publish, written in the same transaction as the change that causes them. Once that
 * transaction commits they are handed to the {@link OutboxRelay} and published within
 * milliseconds; what fails to publish is retried by {@link OutboxRelay#sweep()}.
 */
@Component
public class Outbox {

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final PayloadCipher cipher;
    private final OutboxRelay relay;

    Outbox(JdbcClient jdbc, JsonMapper json, PayloadCipher cipher, OutboxRelay relay) {
        this.jdbc = jdbc;
        this.json = json;
        this.cipher = cipher;
        this.relay = relay;
    }

    /** Publishes {@code value} as JSON on {@code topic}, keyed by the user, after the current transaction commits. */
    public void append(String topic, long telegramId, Object value) {
        insert(topic, null, telegramId, null, json.writeValueAsBytes(value));
    }

    /** Publishes a request/reply answer to the requester's reply topic after the current transaction commits. */
    public void appendReply(String replyTopic, Integer replyPartition, byte[] correlationId, long telegramId, byte[] reply) {
        insert(replyTopic, replyPartition, telegramId, correlationId, reply);
    }

    private void insert(String topic, Integer partition, long telegramId, byte[] correlationId, byte[] payload) {
        Assert.state(TransactionSynchronizationManager.isSynchronizationActive(), "the outbox is written inside a transaction");
        long id = jdbc.sql("""
                        INSERT INTO outbox (topic, kafka_partition, record_key, correlation_id, payload)
                        VALUES (?, ?, ?, ?, ?) RETURNING id""")
                .params(topic, partition, Topics.key(telegramId), correlationId, cipher.seal(payload))
                .query(Long.class)
                .single();
        appendedInThisTransaction().add(id);
    }

    private List<Long> appendedInThisTransaction() {
        @SuppressWarnings("unchecked")
        List<Long> ids = (List<Long>) TransactionSynchronizationManager.getResource(this);
        if (ids != null) {
            return ids;
        }
        List<Long> created = new ArrayList<>();
        TransactionSynchronizationManager.bindResource(this, created);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                TransactionSynchronizationManager.unbindResource(Outbox.this);
                if (status == STATUS_COMMITTED) {
                    relay.committed(created);
                }
            }
        });
        return created;
    }
}
