package uz.lms.registration.verification.commands;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import uz.lms.registration.contracts.Outcome;
import uz.lms.registration.contracts.RegisterUser;
import uz.lms.registration.contracts.RegistrationReply;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.contracts.VerificationReply;
import uz.lms.registration.contracts.VerifyCode;
import uz.lms.registration.verification.VerificationProperties;
import uz.lms.registration.verification.users.Registrations;
import uz.lms.registration.verification.users.Verifications;

/**
 * Consumes register and verify commands and answers each on its requester's reply topic. Logs one
 * line per command with the user and the outcome, and times each by command and outcome.
 *
 * <p>Replies go only to the reply topics of {@code verification.reply-topics}, whatever a record's
 * headers name: a forged header must not make this service write to any other topic, the ones it
 * publishes events and codes on above all. A command naming another topic is refused: neither
 * applied nor answered, so that, as with any command that went unanswered, nothing changed.
 *
 * <p>A command read, or reaching its transaction, after its deadline ({@link Topics#DEADLINE_HEADER}) is
 * dropped the same way, its transaction rolled back: its
 * requester has given up and answered its caller that nothing happened, which must stay true. It
 * counts in {@code verification.commands} with outcome {@code late}.
 */
@Component
class CommandListener {

    private static final Logger log = LoggerFactory.getLogger(CommandListener.class);
    private static final String REDELIVERED = "redelivered";
    private static final String UNKNOWN_REPLY_TOPIC = "unknown_reply_topic";
    private static final String LATE = "late";

    private final Commands commands;
    private final Registrations registrations;
    private final Verifications verifications;
    private final Set<String> replyTopics;
    private final Clock clock;
    private final MeterRegistry meters;

    CommandListener(
            Commands commands,
            Registrations registrations,
            Verifications verifications,
            VerificationProperties properties,
            Clock clock,
            MeterRegistry meters) {
        this.commands = commands;
        this.registrations = registrations;
        this.verifications = verifications;
        this.replyTopics = properties.replyTopics();
        this.clock = clock;
        this.meters = meters;
    }

    // A consumer group per command topic, each named under verification-service's prefix (the one its Kafka
    // ACLs allow): static members keep one group.instance.id per instance, which must be unique in a group.
    @KafkaListener(
            id = "registrations",
            groupId = "verification-service.registrations",
            topics = Topics.REGISTRATION_REQUESTS,
            properties = "spring.json.value.default.type=uz.lms.registration.contracts.RegisterUser")
    void onRegister(ConsumerRecord<String, RegisterUser> record) {
        RegisterUser command = record.value();
        handle(
                "register",
                command.eventId(),
                command.telegramId(),
                record.headers(),
                () -> new RegistrationReply(
                        UUID.randomUUID(), clock.instant(), command.telegramId(), registrations.register(command)),
                RegistrationReply::outcome);
    }

    @KafkaListener(
            id = "verifications",
            groupId = "verification-service.verifications",
            topics = Topics.VERIFICATION_REQUESTS,
            properties = "spring.json.value.default.type=uz.lms.registration.contracts.VerifyCode")
    void onVerify(ConsumerRecord<String, VerifyCode> record) {
        VerifyCode command = record.value();
        handle(
                "verify",
                command.eventId(),
                command.telegramId(),
                record.headers(),
                () -> new VerificationReply(
                        UUID.randomUUID(), clock.instant(), command.telegramId(), verifications.verify(command)),
                VerificationReply::outcome);
    }

    private <R> void handle(
            String name,
            UUID eventId,
            long telegramId,
            Headers headers,
            Supplier<R> apply,
            Function<R, ? extends Outcome> outcomeOf) {
        Timer.Sample sample = Timer.start(meters);
        Optional<ReplyAddress> replyTo = ReplyAddress.of(headers);
        Optional<Instant> deadline = deadline(headers);
        String outcome;
        if (late(deadline)) {
            outcome = dropLate(name, eventId, telegramId, deadline.orElseThrow());
        } else if (replyTo.isPresent() && !replyTopics.contains(replyTo.get().topic())) {
            log.warn(
                    "{} telegram_id={} event_id={} refused: reply topic '{}' is not in verification.reply-topics",
                    name,
                    telegramId,
                    eventId,
                    replyTo.get().printableTopic());
            outcome = UNKNOWN_REPLY_TOPIC;
        } else {
            try {
                outcome = commands.execute(eventId, telegramId, replyTo, () -> {
                            // Again once the transaction has its connection: a database outage may outlast the
                            // deadline.
                            if (late(deadline)) {
                                throw new Late();
                            }
                            return apply.get();
                        })
                        .map(reply -> outcomeOf.apply(reply).type())
                        .orElse(REDELIVERED);
            } catch (Late rolledBack) {
                outcome = dropLate(name, eventId, telegramId, deadline.orElseThrow());
            }
        }
        sample.stop(meters.timer("verification.commands", "command", name, "outcome", outcome));
        log.info("{} telegram_id={} outcome={}", name, telegramId, outcome);
    }

    private boolean late(Optional<Instant> deadline) {
        return deadline.isPresent() && clock.instant().isAfter(deadline.get());
    }

    private String dropLate(String name, UUID eventId, long telegramId, Instant deadline) {
        log.warn(
                "{} telegram_id={} event_id={} dropped: {} after its deadline, when its requester had given up",
                name,
                telegramId,
                eventId,
                Duration.between(deadline, clock.instant()));
        return LATE;
    }

    /** Empty for a command sent without one, by a requester that waits for ever. */
    private static Optional<Instant> deadline(Headers headers) {
        Header deadline = headers.lastHeader(Topics.DEADLINE_HEADER);
        return deadline == null
                ? Optional.empty()
                : Optional.of(Instant.parse(new String(deadline.value(), StandardCharsets.US_ASCII)));
    }

    /** Thrown within the command's transaction, to roll it back. */
    private static final class Late extends RuntimeException {}
}
