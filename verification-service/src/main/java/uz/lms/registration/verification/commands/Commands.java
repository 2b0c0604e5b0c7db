package uz.lms.registration.verification.commands;

import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * Applies a command exactly once, in one transaction with everything it causes: the change to
 * {@code users}, its events (through the outbox) and its reply (kept for a redelivery) commit together.
 * The reply is sent once the transaction has committed: never for a change that did not happen, and
 * without a trip through the outbox, since a reply that comes late is of no use to anyone.
 */
@Service
class Commands {

    private static final Logger log = LoggerFactory.getLogger(Commands.class);

    private final ProcessedCommands processed;
    private final Replies replies;
    private final JsonMapper json;

    Commands(ProcessedCommands processed, Replies replies, JsonMapper json) {
        this.processed = processed;
        this.replies = replies;
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
        replyTo.ifPresent(to -> afterCommit(() -> replies.send(to, telegramId, answer)));
        return Optional.ofNullable(reply);
    }

    private static void afterCommit(Runnable action) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                action.run();
            }
        });
    }
}
