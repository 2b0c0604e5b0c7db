package uz.lms.registration.verification.commands;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.stereotype.Component;
import uz.lms.registration.contracts.Topics;

/**
 * Sends a command's reply once its transaction has committed, without waiting for Kafka's
 * acknowledgement. A reply that cannot be sent is dropped, with a warning: its requester gives up at its
 * reply timeout, and a redelivered command is answered from {@code processed_commands}, so nothing is
 * lost that a retry could have saved. A bad reply address fails here and stalls nothing.
 */
@Component
class Replies {

    private static final Logger log = LoggerFactory.getLogger(Replies.class);

    private final KafkaOperations<String, byte[]> kafka;

    Replies(KafkaOperations<String, byte[]> kafka) {
        this.kafka = kafka;
    }

    void send(ReplyAddress to, long telegramId, byte[] reply) {
        try {
            // An invalid partition fails before any future exists: the batch's other replies go out all the same.
            var record = new ProducerRecord<>(to.topic(), to.partition(), Topics.key(telegramId), reply);
            if (to.correlationId() != null) {
                record.headers().add(KafkaHeaders.CORRELATION_ID, to.correlationId());
            }
            kafka.send(record).whenComplete((sent, failure) -> {
                if (failure != null) {
                    dropped(to, failure);
                }
            });
        } catch (RuntimeException e) {
            dropped(to, e);
        }
    }

    private static void dropped(ReplyAddress to, Throwable failure) {
        log.warn("reply to {} dropped: {}", to.printableTopic(), failure.toString());
    }
}
