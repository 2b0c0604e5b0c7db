package uz.lms.registration.verification.commands;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
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
 *
 * <p>Nor does a batch commit once one of its commands' requesters has given up (its deadline, {@link Command}): the
 * deadlines are checked when the transaction has its connection and again just before it commits, and no statement
 * may run longer than the time left to the earliest of them ({@code statement_timeout}), so that waiting for a lock
 * cannot carry a command past its deadline. Otherwise the transaction rolls back ({@link DeadlinePassed}).
 */
@Service
class Commands {

    private static final Logger log = LoggerFactory.getLogger(Commands.class);

    /** PostgreSQL's {@code query_canceled}: here, a statement that ran past {@code statement_timeout}. */
    private static final String QUERY_CANCELED = "57014";

    private final ProcessedCommands processed;
    private final Replies replies;
    private final JsonMapper json;
    private final JdbcClient jdbc;
    private final Clock clock;

    Commands(ProcessedCommands processed, Replies replies, JsonMapper json, JdbcClient jdbc, Clock clock) {
        this.processed = processed;
        this.replies = replies;
        this.json = json;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Applies the new commands of {@code batch} in its order, through {@code apply}. A command applied before, or
     * earlier in the batch (a redelivery), changes nothing and is answered with the reply it got the first time.
     * A command past its deadline by now is dropped: neither applied nor answered.
     *
     * @param apply   applies commands in their order, returning what each one came to
     * @param replyOf the reply to what a command came to, which is kept and sent
     * @return what became of each command, in the batch's order
     * @throws DeadlinePassed when a command's deadline passed during the transaction, which is rolled back
     */
    @Transactional
    <C, R> List<Handled<R>> execute(List<Command<C>> batch, Function<List<C>, List<R>> apply, Function<R, ?> replyOf) {
        // Checked again once the transaction has its connection: a database outage may outlast a deadline.
        Instant now = clock.instant();
        List<Command<C>> inTime =
                batch.stream().filter(command -> !command.lateAt(now)).toList();
        try {
            return applyInTime(batch, inTime, now, apply, replyOf);
        } catch (DataAccessException failure) {
            if (timedOut(failure)) {
                throw new DeadlinePassed(failure);
            }
            throw failure;
        }
    }

    private <C, R> List<Handled<R>> applyInTime(
            List<Command<C>> batch,
            List<Command<C>> inTime,
            Instant now,
            Function<List<C>, List<R>> apply,
            Function<R, ?> replyOf) {
        inTime.stream()
                .flatMap(command -> command.deadline().stream())
                .min(Comparator.naturalOrder())
                .ifPresent(deadline -> limitStatementsTo(Duration.between(now, deadline)));
        Set<UUID> claimed = inTime.isEmpty()
                ? Set.of()
                : processed.claim(
                        inTime.stream().map(Command::eventId).distinct().toList());

        // The first of a batch's commands with one event_id is applied; its duplicates are redeliveries.
        Set<UUID> firsts = new HashSet<>();
        List<Command<C>> applied = inTime.stream()
                .filter(command -> claimed.contains(command.eventId()) && firsts.add(command.eventId()))
                .toList();
        List<R> results = applied.isEmpty()
                ? List.of()
                : apply.apply(applied.stream().map(Command::value).toList());
        Map<UUID, byte[]> answers = new HashMap<>();
        for (int i = 0; i < applied.size(); i++) {
            answers.put(applied.get(i).eventId(), json.writeValueAsBytes(replyOf.apply(results.get(i))));
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
        // The last statement is done: past a deadline now, its requester has answered 503, and so nothing commits.
        Instant end = clock.instant();
        if (inTime.stream().anyMatch(command -> command.lateAt(end))) {
            throw new DeadlinePassed(null);
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
                handled.add(new Handled.Applied<>(results.get(next++)));
            } else {
                command.span()
                        .scoped(() -> log.info(
                                "command redelivered event_id={} telegram_id={}: answering as before",
                                command.eventId(),
                                command.telegramId()));
                handled.add(new Handled.Redelivered<>());
            }
            byte[] answer = answers.get(command.eventId());
            // In the command's span: the reply carries its trace.
            command.replyTo()
                    .ifPresent(to -> sends.add(
                            () -> command.span().scoped(() -> replies.send(to, command.telegramId(), answer))));
        }
        if (!sends.isEmpty()) {
            afterCommit(() -> sends.forEach(Runnable::run));
        }
        return handled;
    }

    /**
     * {@code SET LOCAL statement_timeout}, which takes no parameter: at least a millisecond, since 0 is none, and at
     * most what PostgreSQL takes, an {@code int} of milliseconds.
     */
    private void limitStatementsTo(Duration left) {
        jdbc.sql("SELECT set_config('statement_timeout', ?, true)")
                .param(Math.clamp(left.toMillis(), 1, Integer.MAX_VALUE) + "ms")
                .query(String.class)
                .single();
    }

    private static boolean timedOut(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLException sql && QUERY_CANCELED.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static void afterCommit(Runnable action) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                action.run();
            }
        });
    }

    /**
     * A command's deadline passed during its batch's transaction, before the commit: a statement ran past the time
     * left, or the last one ended after it. The transaction is rolled back; applied again, the batch drops the
     * commands now late.
     */
    static final class DeadlinePassed extends RuntimeException {

        DeadlinePassed(@Nullable DataAccessException timedOut) {
            super("a command's deadline passed during its transaction", timedOut);
        }
    }

    /** What became of a command of a batch. */
    sealed interface Handled<R> {

        /** Applied now, coming to this. */
        record Applied<R>(R result) implements Handled<R> {}

        /** Applied before: answered with the reply it got then. */
        record Redelivered<R>() implements Handled<R> {}

        /** Past its deadline once the transaction had its connection: dropped, the transaction left as it was. */
        record Late<R>() implements Handled<R> {}
    }
}
