package uz.lms.registration.verification.commands;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * Applies a batch of commands, each exactly once, in one transaction with everything they cause: the changes to
 * {@code users}, their events (through the outbox) and their replies (kept for redeliveries) commit together. The
 * replies are sent once the transaction has committed: never for a change that did not happen, and without a trip
 * through the outbox, since a reply that comes late is of no use to anyone.
 */
@Service
class Commands {

    private static final Logger log = LoggerFactory.getLogger(Commands.class);

    private final ProcessedCommands processed;
    private final Replies replies;
    private final JsonMapper json;
    private final Clock clock;

    Commands(ProcessedCommands processed, Replies replies, JsonMapper json, Clock clock) {
        this.processed = processed;
        this.replies = replies;
        this.json = json;
        this.clock = clock;
    }

    /**
     * Applies the new commands of {@code batch} in its order, through {@code apply}. A command applied before, or
     * earlier in the batch (a redelivery), changes nothing and is answered with the reply it got the first time.
     * A command past its deadline by now is dropped: neither applied nor answered.
     *
     * @param apply applies commands in their order, returning each one's reply
     * @return what became of each command, in the batch's order
     */
    @Transactional
    <C, R> List<Handled<R>> execute(List<Command<C>> batch, Function<List<C>, List<R>> apply) {
        // Checked again once the transaction has its connection: a database outage may outlast a deadline.
        Instant now = clock.instant();
        List<Command<C>> inTime =
                batch.stream().filter(command -> !command.lateAt(now)).toList();
        Set<UUID> claimed = inTime.isEmpty()
                ? Set.of()
                : processed.claim(
                        inTime.stream().map(Command::eventId).distinct().toList());

        // The first of a batch's commands with one event_id is applied; its duplicates are redeliveries.
        Set<UUID> firsts = new HashSet<>();
        List<Command<C>> applied = inTime.stream()
                .filter(command -> claimed.contains(command.eventId()) && firsts.add(command.eventId()))
                .toList();
        List<R> replyValues = applied.isEmpty()
                ? List.of()
                : apply.apply(applied.stream().map(Command::value).toList());
        Map<UUID, byte[]> answers = new HashMap<>();
        for (int i = 0; i < applied.size(); i++) {
            answers.put(applied.get(i).eventId(), json.writeValueAsBytes(replyValues.get(i)));
        }
        processed.complete(answers);
        List<UUID> earlier = inTime.stream()
                .map(Command::eventId)
                .filter(eventId -> !claimed.contains(eventId))
                .distinct()
                .toList();
        if (!earlier.isEmpty()) {
            answers.putAll(processed.replies(earlier));
        }

        List<Handled<R>> handled = new ArrayList<>(batch.size());
        List<Runnable> sends = new ArrayList<>();
        int next = 0;
        for (Command<C> command : batch) {
            if (command.lateAt(now)) {
                handled.add(new Handled.Late<>());
                continue;
            }
            if (next < applied.size() && applied.get(next) == command) {
                handled.add(new Handled.Applied<>(replyValues.get(next++)));
            } else {
                log.info(
                        "command redelivered event_id={} telegram_id={}: answering as before",
                        command.eventId(),
                        command.telegramId());
                handled.add(new Handled.Redelivered<>());
            }
            byte[] answer = answers.get(command.eventId());
            command.replyTo().ifPresent(to -> sends.add(() -> replies.send(to, command.telegramId(), answer)));
        }
        if (!sends.isEmpty()) {
            afterCommit(() -> sends.forEach(Runnable::run));
        }
        return handled;
    }

    private static void afterCommit(Runnable action) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                action.run();
            }
        });
    }

    /** What became of a command of a batch. */
    sealed interface Handled<R> {

        /** Applied now, with this reply. */
        record Applied<R>(R reply) implements Handled<R> {}

        /** Applied before: answered with the reply it got then. */
        record Redelivered<R>() implements Handled<R> {}

        /** Past its deadline once the transaction had its connection: dropped, the transaction left as it was. */
        record Late<R>() implements Handled<R> {}
    }
}
