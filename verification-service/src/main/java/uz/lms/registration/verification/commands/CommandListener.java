package uz.lms.registration.verification.commands;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.support.micrometer.KafkaListenerObservation;
import org.springframework.kafka.support.micrometer.KafkaListenerObservation.DefaultKafkaListenerObservationConvention;
import org.springframework.kafka.support.micrometer.KafkaRecordReceiverContext;
import org.springframework.stereotype.Component;
import uz.lms.registration.contracts.Outcome;
import uz.lms.registration.contracts.RegisterUser;
import uz.lms.registration.contracts.RegistrationReply;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.contracts.VerificationReply;
import uz.lms.registration.contracts.VerifyCode;
import uz.lms.registration.kafka.DeadLetters;
import uz.lms.registration.verification.VerificationProperties;
import uz.lms.registration.verification.commands.Commands.DeadlinePassed;
import uz.lms.registration.verification.commands.Commands.Handled;
import uz.lms.registration.verification.users.Channel;
import uz.lms.registration.verification.users.Check;
import uz.lms.registration.verification.users.Registrations;
import uz.lms.registration.verification.users.Source;
import uz.lms.registration.verification.users.Verifications;

/**
 * Consumes register and verify commands a poll at a time, applies each poll's in one transaction
 * ({@link Commands}), and answers each command on its requester's reply topic. Logs one line per command with the
 * user and the outcome, times each by command and outcome ({@link #COMMANDS}), and tells the {@link Funnel} what its
 * committed commands did.
 *
 * <p>What a command may do comes from the topic it arrived on, one listener each, and this service's own settings,
 * never from its record: a contact shared with the bot ({@link Topics#CHAT_REGISTRATIONS}) attests its number; a
 * caller's number ({@link Topics#REGISTRATION_REQUESTS}) is believed only with
 * {@code verification.trust-caller-phone-numbers}, and only when the gateway vouches for it; a check on
 * {@link Topics#VERIFICATION_REQUESTS} spends the HTTP budget, one on {@link Topics#CHAT_VERIFICATIONS} the chat's.
 * A {@code source} or {@code channel} a record still carries is ignored, as any field the contract lacks: the
 * command does what its topic allows, and its requester gets the answer that allows.
 *
 * <p>Replies go only to the reply topics of {@code verification.reply-topics}, whatever a record's
 * headers name: a forged header must not make this service write to any other topic, the ones it
 * publishes events and codes on above all. A command naming another topic is refused: neither
 * applied nor answered, so that, as with any command that went unanswered, nothing changed.
 *
 * <p>A command read, or reaching its transaction, after its deadline ({@link Topics#DEADLINE_HEADER}), or whose
 * deadline passes before its transaction commits ({@link DeadlinePassed}: the poll is applied again), is
 * dropped the same way: its requester has given up and answered its caller that nothing happened, which must
 * stay true. It counts in {@code verification.commands} with outcome {@code late}.
 *
 * <p>A record that is no command (unreadable, invalid, or with a header that cannot be read) goes to its
 * dead-letter topic without failing the others: the commands before it are applied, then the error handler
 * dead-letters it and the ones after it come again in the next poll. So does a command that fails its batch's
 * transaction for a reason other than an outage, found by applying the batch again one command at a time.
 *
 * <p>Each command has a span of its own, spring-kafka's listener observation of its record, so a child of the
 * record's {@code traceparent} (spring-kafka observes a batch listener as a whole or not at all): it is current while
 * the command's part of the batch runs, its reply is sent and its line logged, and its events keep it in the outbox.
 * It is tagged with the command ({@code command}), its outcome ({@code outcome}), its user ({@code telegram_id}, on
 * the span only) and its poll's size ({@code messaging.batch.message_count}): the transaction it shares with the
 * poll's other commands lies within it.
 */
@Component
class CommandListener {

    private static final Logger log = LoggerFactory.getLogger(CommandListener.class);
    private static final String REDELIVERED = "redelivered";
    private static final String UNKNOWN_REPLY_TOPIC = "unknown_reply_topic";
    private static final String LATE = "late";
    /** What a command whose poll failed came to: it comes again, with a span of its own, in the same trace. */
    private static final String FAILED = "failed";

    private static final String OUTCOME = "outcome";
    private static final String GROUP_PREFIX = "verification-service.";
    private static final String REGISTRATIONS = "registrations";
    private static final String CHAT_REGISTRATIONS = "chat-registrations";
    private static final String VERIFICATIONS = "verifications";
    private static final String CHAT_VERIFICATIONS = "chat-verifications";

    /** Each command's time, by the requester's clock, from when it was sent until this listener settled it. */
    private static final String COMMANDS = "verification.commands";

    private final Commands commands;
    private final Registrations registrations;
    private final Verifications verifications;
    private final Set<String> replyTopics;
    private final boolean trustCallerPhoneNumbers;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Funnel funnel;
    private final ObservationRegistry observations;

    CommandListener(
            Commands commands,
            Registrations registrations,
            Verifications verifications,
            VerificationProperties properties,
            Clock clock,
            MeterRegistry meters,
            Funnel funnel,
            ObservationRegistry observations) {
        this.commands = commands;
        this.registrations = registrations;
        this.verifications = verifications;
        this.replyTopics = properties.replyTopics();
        this.trustCallerPhoneNumbers = properties.trustCallerPhoneNumbers();
        if (trustCallerPhoneNumbers) {
            log.info(
                    "verification.trust-caller-phone-numbers=true: numbers the gateway vouches for on {} may create users"
                            + " and set unverified users' numbers",
                    Topics.REGISTRATION_REQUESTS);
        }
        this.clock = clock;
        this.meters = meters;
        this.funnel = funnel;
        this.observations = observations;
    }

    // A listener and a consumer group per command topic, each named under verification-service's prefix (the one
    // its Kafka ACLs allow): static members keep one group.instance.id per instance, which must be unique in a group.
    // What a command may do is its listener's, so its topic's: a record may hold authority back, never claim more.

    /** The gateway's registrations: a caller's number, believed only where this service trusts callers itself. */
    @KafkaListener(
            id = REGISTRATIONS,
            groupId = GROUP_PREFIX + REGISTRATIONS,
            topics = Topics.REGISTRATION_REQUESTS,
            batch = "true",
            properties = "spring.json.value.default.type=uz.lms.registration.contracts.RegisterUser")
    void onRegister(List<ConsumerRecord<String, @Nullable RegisterUser>> records) {
        handleRegistrations(REGISTRATIONS, records, this::callerSource);
    }

    /** The bot's registrations: a contact the user shared, Telegram's attestation of the number. */
    @KafkaListener(
            id = CHAT_REGISTRATIONS,
            groupId = GROUP_PREFIX + CHAT_REGISTRATIONS,
            topics = Topics.CHAT_REGISTRATIONS,
            batch = "true",
            properties = "spring.json.value.default.type=uz.lms.registration.contracts.RegisterUser")
    void onChatRegister(List<ConsumerRecord<String, @Nullable RegisterUser>> records) {
        handleRegistrations(CHAT_REGISTRATIONS, records, command -> Source.TELEGRAM_CONTACT);
    }

    /** The gateway's checks: the HTTP budget, and its lockout. */
    @KafkaListener(
            id = VERIFICATIONS,
            groupId = GROUP_PREFIX + VERIFICATIONS,
            topics = Topics.VERIFICATION_REQUESTS,
            batch = "true",
            properties = "spring.json.value.default.type=uz.lms.registration.contracts.VerifyCode")
    void onVerify(List<ConsumerRecord<String, @Nullable VerifyCode>> records) {
        handleVerifications(VERIFICATIONS, records, Channel.API);
    }

    /** The bot's checks, codes typed in the chat: the chat's budget. */
    @KafkaListener(
            id = CHAT_VERIFICATIONS,
            groupId = GROUP_PREFIX + CHAT_VERIFICATIONS,
            topics = Topics.CHAT_VERIFICATIONS,
            batch = "true",
            properties = "spring.json.value.default.type=uz.lms.registration.contracts.VerifyCode")
    void onChatVerify(List<ConsumerRecord<String, @Nullable VerifyCode>> records) {
        handleVerifications(CHAT_VERIFICATIONS, records, Channel.CHAT);
    }

    private void handleRegistrations(
            String listenerId,
            List<ConsumerRecord<String, @Nullable RegisterUser>> records,
            Function<RegisterUser, Source> sourceOf) {
        handle(
                "register",
                listenerId,
                records,
                RegisterUser::eventId,
                RegisterUser::telegramId,
                (batch, spanOf) -> register(batch, sourceOf, spanOf),
                Function.identity(),
                reply -> {
                    funnel.registered(reply.outcome());
                    return reply.outcome();
                });
    }

    private void handleVerifications(
            String listenerId, List<ConsumerRecord<String, @Nullable VerifyCode>> records, Channel channel) {
        handle(
                "verify",
                listenerId,
                records,
                VerifyCode::eventId,
                VerifyCode::telegramId,
                (batch, spanOf) -> verify(batch, channel, spanOf),
                Verdict::reply,
                verdict -> {
                    funnel.checked(verdict.check(), channel);
                    return verdict.reply().outcome();
                });
    }

    /** The gateway may vouch for its caller's number; only this service's own setting makes that believed. */
    private Source callerSource(RegisterUser command) {
        return trustCallerPhoneNumbers && command.vouched() ? Source.TRUSTED_CALLER : Source.CALLER;
    }

    private List<RegistrationReply> register(
            List<RegisterUser> batch,
            Function<RegisterUser, Source> sourceOf,
            Function<RegisterUser, Observation> spanOf) {
        var outcomes = registrations.register(batch, sourceOf, spanOf);
        return IntStream.range(0, batch.size())
                .mapToObj(i -> new RegistrationReply(
                        UUID.randomUUID(), clock.instant(), batch.get(i).telegramId(), outcomes.get(i)))
                .toList();
    }

    private List<Verdict> verify(List<VerifyCode> batch, Channel channel, Function<VerifyCode, Observation> spanOf) {
        var checks = verifications.verify(batch, channel, spanOf);
        return IntStream.range(0, batch.size())
                .mapToObj(i -> new Verdict(
                        new VerificationReply(
                                UUID.randomUUID(),
                                clock.instant(),
                                batch.get(i).telegramId(),
                                checks.get(i).outcome()),
                        checks.get(i)))
                .toList();
    }

    /** A check's reply, and what it counted, for the {@link Funnel} once it has committed. */
    private record Verdict(VerificationReply reply, Check check) {}

    /**
     * @param apply     applies commands in one transaction, returning what each came to
     * @param replyOf   the reply to what a command came to
     * @param committed counts what a command whose transaction has committed did, returning its outcome
     */
    private <C, R> void handle(
            String name,
            String listenerId,
            List<ConsumerRecord<String, @Nullable C>> records,
            Function<C, UUID> eventIdOf,
            ToLongFunction<C> telegramIdOf,
            BiFunction<List<C>, Function<C, Observation>, List<R>> apply,
            Function<R, ?> replyOf,
            Function<R, ? extends Outcome> committed) {
        List<Command<C>> batch = new ArrayList<>(records.size());
        RuntimeException poison = null;
        for (ConsumerRecord<String, @Nullable C> record : records) {
            try {
                batch.add(Command.of(
                        record,
                        eventIdOf,
                        telegramIdOf,
                        telegramId -> startSpan(name, listenerId, record, telegramId, records.size())));
            } catch (RuntimeException notACommand) {
                poison = notACommand;
                break;
            }
        }
        // Every span started ends: those before this place with their outcome, the others with the failure.
        int settled = 0;
        try {
            Map<C, Observation> spans = new IdentityHashMap<>();
            batch.forEach(command -> spans.put(command.value(), command.span()));
            Function<List<C>, List<R>> applyInSpans = values -> apply.apply(values, spans::get);

            // What became of each command the listener settles itself, by its place in the batch; null for the others.
            String[] outcomes = new String[batch.size()];
            List<Command<C>> accepted = new ArrayList<>(batch.size());
            Instant now = clock.instant();
            for (int i = 0; i < batch.size(); i++) {
                Command<C> command = batch.get(i);
                if (command.lateAt(now)) {
                    outcomes[i] = dropLate(name, command);
                } else if (command.replyTo().isPresent()
                        && !replyTopics.contains(command.replyTo().get().topic())) {
                    command.span()
                            .scoped(() -> log.warn(
                                    "{} telegram_id={} event_id={} refused: reply topic '{}' is not in"
                                            + " verification.reply-topics",
                                    name,
                                    command.telegramId(),
                                    command.eventId(),
                                    command.replyTo().get().printableTopic()));
                    outcomes[i] = UNKNOWN_REPLY_TOPIC;
                } else {
                    accepted.add(command);
                }
            }

            List<Handled<R>> handled = new ArrayList<>(accepted.size());
            RuntimeException failure = null;
            try {
                handled.addAll(commands.execute(accepted, applyInSpans, replyOf));
            } catch (RuntimeException batchFailure) {
                failure = batchFailure;
                // A deadline that passed during the transaction: applied again, the late commands are dropped. An
                // outage fails any batch: wait it out. Anything else may be one command's: find it, apply the others.
                if (batchFailure instanceof DeadlinePassed) {
                    log.warn(
                            "{}: a deadline passed during the transaction of {} commands; applying them one at a time",
                            name,
                            accepted.size());
                }
                if (batchFailure instanceof DeadlinePassed
                        || (accepted.size() > 1 && !DeadLetters.isTransient(batchFailure))) {
                    failure = null;
                    for (Command<C> command : accepted) {
                        try {
                            handled.addAll(commands.execute(List.of(command), applyInSpans, replyOf));
                        } catch (RuntimeException commandFailure) {
                            failure = commandFailure;
                            break;
                        }
                    }
                }
            }

            int next = 0;
            for (int i = 0; i < batch.size(); i++) {
                Command<C> command = batch.get(i);
                String outcome = outcomes[i];
                if (outcome == null) {
                    if (next == handled.size()) {
                        // Those before it are done; the error handler retries it, or dead-letters it, then the rest.
                        throw new BatchListenerFailedException(name + " failed", failure, command.record());
                    }
                    outcome = switch (handled.get(next++)) {
                        // Its transaction has committed: what it did is counted now, once.
                        case Handled.Applied<R>(R result) ->
                            committed.apply(result).type();
                        case Handled.Redelivered<R>() -> REDELIVERED;
                        case Handled.Late<R>() -> dropLate(name, command);
                    };
                }
                Timer.builder(COMMANDS)
                        .description(
                                "Time from when a command was sent, by its record's timestamp, until it was settled")
                        .tags("command", name, "outcome", outcome)
                        .register(meters)
                        .record(
                                meters.config().clock().wallTime()
                                        - command.record().timestamp(),
                                TimeUnit.MILLISECONDS);
                settle(name, command, outcome);
                settled = i + 1;
            }
        } catch (RuntimeException failed) {
            for (Command<C> command : batch.subList(settled, batch.size())) {
                command.span()
                        .lowCardinalityKeyValue(OUTCOME, FAILED)
                        .error(failed)
                        .stop();
            }
            throw failed;
        }
        if (poison != null) {
            throw new BatchListenerFailedException(name + " record is no command", poison, batch.size());
        }
    }

    /**
     * The command's span, started: spring-kafka's observation of a listener's record, continuing the trace of the
     * record's {@code traceparent}.
     */
    private Observation startSpan(
            String command, String listenerId, ConsumerRecord<String, ?> record, long telegramId, int pollSize) {
        return KafkaListenerObservation.LISTENER_OBSERVATION
                .observation(
                        null,
                        DefaultKafkaListenerObservationConvention.INSTANCE,
                        () -> new KafkaRecordReceiverContext(
                                record, listenerId, null, GROUP_PREFIX + listenerId, () -> null),
                        observations)
                .lowCardinalityKeyValue("command", command)
                .highCardinalityKeyValue("telegram_id", Long.toString(telegramId))
                .highCardinalityKeyValue("messaging.batch.message_count", Integer.toString(pollSize))
                .start();
    }

    /** Logs what became of the command, in its span, and ends the span. */
    private static void settle(String name, Command<?> command, String outcome) {
        Observation span = command.span().lowCardinalityKeyValue(OUTCOME, outcome);
        span.scoped(() -> log.info("{} telegram_id={} outcome={}", name, command.telegramId(), outcome));
        span.stop();
    }

    private String dropLate(String name, Command<?> command) {
        command.span()
                .scoped(() -> log.warn(
                        "{} telegram_id={} event_id={} dropped: {} after its deadline, when its requester had given up",
                        name,
                        command.telegramId(),
                        command.eventId(),
                        Duration.between(command.deadline().orElseThrow(), clock.instant())));
        return LATE;
    }
}
