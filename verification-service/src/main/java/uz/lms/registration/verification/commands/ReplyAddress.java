package uz.lms.registration.verification.commands;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.springframework.kafka.support.KafkaHeaders;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Where a request/reply command wants its answer, from the headers spring-kafka's ReplyingKafkaTemplate sets. */
record ReplyAddress(String topic, Integer partition, byte[] correlationId) {

    /** Empty for a command sent without a reply topic: it is applied, and nobody is answered. */
    static Optional<ReplyAddress> of(Headers headers) {
        Header topic = headers.lastHeader(KafkaHeaders.REPLY_TOPIC);
        if (topic == null) {
            return Optional.empty();
        }
        Header partition = headers.lastHeader(KafkaHeaders.REPLY_PARTITION);
        Header correlation = headers.lastHeader(KafkaHeaders.CORRELATION_ID);
        return Optional.of(new ReplyAddress(
                new String(topic.value(), StandardCharsets.UTF_8),
                partition == null ? null : ByteBuffer.wrap(partition.value()).getInt(),
                correlation == null ? null : correlation.value()));
    }
}
