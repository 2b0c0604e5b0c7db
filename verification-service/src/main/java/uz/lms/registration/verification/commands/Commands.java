package uz.lms.registration.verification.commands;

import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;
import uz.lms.registration.verification.outbox.Outbox;

/**
 * Applies a command exactly once, in one transaction with everything it causes: the change to
 * {@code users}, its events, and its reply all go through the outbox and commit together.
 */
@Service
class Commands {

    private static final Logger log = LoggerFactory.getLogger(Commands.class);

    private final ProcessedCommands processed;
    private final Outbox outbox;
    private final JsonMapper json;

    Commands(ProcessedCommands processed, Outbox outbox, JsonMapper json) {
        this.processed = processed;
        this.outbox = outbox;
        this.json = json;
    }

    /**
     * @return the reply of a command applied now; empty for a redelivered one, which changes
     * nothing and is answered with the reply it got the first time
     */
    @Transactional
    <R> Optional<R> execute(UUID eventId, long telegramId, Optional<ReplyAddress> replyTo, Supplier<R> apply) {
        Optional<byte[]> earlier = processed.claim(eventId);
        R reply = null;
        byte[] answer;
        if (earlier.isPresent()) {
            log.info("command redelivered event_id={} telegram_id={}: answering as before", eventId, telegramId);
            answer = earlier.get();
        } else {
            reply = apply.get();
            answer = json.writeValueAsBytes(reply);
            processed.complete(eventId, answer);
        }
        replyTo.ifPresent(to -> outbox.appendReply(to.topic(), to.partition(), to.correlationId(), telegramId, answer));
        return Optional.ofNullable(reply);
    }
}
