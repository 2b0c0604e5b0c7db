package uz.lms.registration.verification.commands;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import uz.lms.registration.contracts.RegisterUser;
import uz.lms.registration.contracts.RegistrationReply;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.contracts.VerificationReply;
import uz.lms.registration.contracts.VerifyCode;
import uz.lms.registration.verification.users.Registrations;
import uz.lms.registration.verification.users.Verifications;

import java.time.Clock;
import java.util.UUID;

/**
 * Consumes register and verify commands and answers each on its requester's reply topic. Logs one
 * line per command with the user and the outcome, and times each by command and outcome.
 */
@Component
class CommandListener {

    private static final Logger log = LoggerFactory.getLogger(CommandListener.class);
    private static final String REDELIVERED = "Redelivered";

    private final Commands commands;
    private final Registrations registrations;
    private final Verifications verifications;
    private final Clock clock;
    private final MeterRegistry meters;

    CommandListener(Commands commands, Registrations registrations, Verifications verifications, Clock clock,
                    MeterRegistry meters) {
        this.commands = commands;
        this.registrations = registrations;
        this.verifications = verifications;
        this.clock = clock;
        this.meters = meters;
    }

    // Both in the consumer group spring.kafka.consumer.group-id names, verification-service, the one the
    // Kafka ACLs allow this service; by default a listener's id would be its group.
    @KafkaListener(id = "registrations", idIsGroup = false, topics = Topics.REGISTRATION_REQUESTS,
            properties = "spring.json.value.default.type=uz.lms.registration.contracts.RegisterUser")
    void onRegister(ConsumerRecord<String, RegisterUser> record) {
        Timer.Sample sample = Timer.start(meters);
        RegisterUser command = record.value();
        String outcome = commands.execute(command.eventId(), command.telegramId(), ReplyAddress.of(record.headers()),
                        () -> new RegistrationReply(UUID.randomUUID(), clock.instant(), command.telegramId(),
                                registrations.register(command)))
                .map(reply -> reply.outcome().getClass().getSimpleName())
                .orElse(REDELIVERED);
        done(sample, "register", command.telegramId(), outcome);
    }

    @KafkaListener(id = "verifications", idIsGroup = false, topics = Topics.VERIFICATION_REQUESTS,
            properties = "spring.json.value.default.type=uz.lms.registration.contracts.VerifyCode")
    void onVerify(ConsumerRecord<String, VerifyCode> record) {
        Timer.Sample sample = Timer.start(meters);
        VerifyCode command = record.value();
        String outcome = commands.execute(command.eventId(), command.telegramId(), ReplyAddress.of(record.headers()),
                        () -> new VerificationReply(UUID.randomUUID(), clock.instant(), command.telegramId(),
                                verifications.verify(command)))
                .map(reply -> reply.outcome().getClass().getSimpleName())
                .orElse(REDELIVERED);
        done(sample, "verify", command.telegramId(), outcome);
    }

    private void done(Timer.Sample sample, String command, long telegramId, String outcome) {
        sample.stop(meters.timer("verification.commands", "command", command, "outcome", outcome));
        log.info("{} telegram_id={} outcome={}", command, telegramId, outcome);
    }
}
