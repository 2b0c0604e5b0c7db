package uz.lms.registration.client;

import io.micrometer.observation.ObservationRegistry;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.requestreply.ReplyingKafkaTemplate;

/**
 * {@link VerificationClient}'s template: its sends are observed, its replies not (every instance reads every reply
 * on a shared reply topic). A class of its own, not an anonymous one: its logger is named after it, and
 * {@link QuietReplyTimeouts} silences that name.
 */
final class UnobservedReplyTemplate<R> extends ReplyingKafkaTemplate<String, Object, R> {

    UnobservedReplyTemplate(
            ProducerFactory<String, Object> producers, ConcurrentMessageListenerContainer<String, R> container) {
        super(producers, container);
    }

    /** The registry of the replies' observations only (the sends use the one set on the template): none. */
    @Override
    protected ObservationRegistry getObservationRegistry() {
        return ObservationRegistry.NOOP;
    }
}
