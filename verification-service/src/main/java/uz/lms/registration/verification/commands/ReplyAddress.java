package uz.lms.registration.verification.commands;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;
import org.springframework.kafka.support.KafkaHeaders;

/** Where a request/reply command wants its answer, from the headers spring-kafka's ReplyingKafkaTemplate sets. */
record ReplyAddress(String topic, @Nullable Integer partition, byte @Nullable [] correlationId) {

    /** Characters a Kafka topic name may have; a header may hold anything, line breaks included. */
    private static final Pattern NOT_IN_TOPIC_NAMES = Pattern.compile("[^A-Za-z0-9._-]");

    private static final int MAXIMUM_TOPIC_LENGTH = 249;

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

    /** The topic as it may go into a log line: what no topic name can hold is shown as {@code ?}. */
    String printableTopic() {
        String shown = topic.length() > MAXIMUM_TOPIC_LENGTH ? topic.substring(0, MAXIMUM_TOPIC_LENGTH) : topic;
        return NOT_IN_TOPIC_NAMES.matcher(shown).replaceAll("?");
    }
}
