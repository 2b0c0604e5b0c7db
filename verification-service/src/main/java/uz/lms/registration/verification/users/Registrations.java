package uz.lms.registration.verification.users;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import uz.lms.registration.contracts.AlreadyVerified;
import uz.lms.registration.contracts.DeliverCode;
import uz.lms.registration.contracts.PhoneNumberTaken;
import uz.lms.registration.contracts.RegisterUser;
import uz.lms.registration.contracts.RegistrationOutcome;
import uz.lms.registration.contracts.RegistrationOutcome.CodeSent;
import uz.lms.registration.contracts.RegistrationOutcome.TooManyRequests;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.contracts.UserEvent.CodeIssued;
import uz.lms.registration.contracts.UserEvent.UserRegistered;
import uz.lms.registration.verification.VerificationProperties;
import uz.lms.registration.verification.codes.Codes;
import uz.lms.registration.verification.outbox.Outbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Registers a user, or refreshes an unverified one, and issues a new code. Runs inside the
 * command's transaction: the row, the events and the code to deliver commit together.
 */
@Service
public class Registrations {

    private static final Logger log = LoggerFactory.getLogger(Registrations.class);

    private final Users users;
    private final Codes codes;
    private final Outbox outbox;
    private final VerificationProperties properties;
    private final Clock clock;
    private final Counter codesIssued;

    Registrations(Users users, Codes codes, Outbox outbox, VerificationProperties properties, Clock clock,
                  MeterRegistry meters) {
        this.users = users;
        this.codes = codes;
        this.outbox = outbox;
        this.properties = properties;
        this.clock = clock;
        this.codesIssued = Counter.builder("verification.codes.issued").register(meters);
    }

    public RegistrationOutcome register(RegisterUser command) {
        long telegramId = command.telegramId();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        if (users.find(telegramId).map(UserState::isVerified).orElse(false)) {
            return new AlreadyVerified();
        }
        if (users.isPhoneNumberVerifiedByAnother(telegramId, command.phoneNumber())) {
            return new PhoneNumberTaken();
        }
        boolean created = users.createIfAbsent(telegramId, command.phoneNumber(), command.language(), now);

        String code = codes.newCode();
        Instant expiresAt = now.plus(properties.codeTtl());
        boolean issued = users.issueCode(telegramId, command.phoneNumber(), command.language(),
                codes.hash(telegramId, code), expiresAt, now,
                now.minus(properties.resendCooldown()), now.minus(properties.codesWindow()),
                properties.maxCodesPerWindow());
        if (!issued) {
            return whyNot(telegramId, now);
        }

        if (created) {
            outbox.append(Topics.USER_EVENTS, telegramId,
                    new UserRegistered(UUID.randomUUID(), now, telegramId, command.phoneNumber()));
        }
        outbox.append(Topics.USER_EVENTS, telegramId, new CodeIssued(UUID.randomUUID(), now, telegramId, expiresAt));
        outbox.append(Topics.VERIFICATION_CODES, telegramId,
                new DeliverCode(UUID.randomUUID(), now, telegramId, code, expiresAt, command.language()));
        codesIssued.increment();
        log.info("code issued telegram_id={} expires_at={}", telegramId, expiresAt);
        return new CodeSent(properties.codeTtl().toSeconds());
    }

    /** The code was not issued: the user is verified, or a limit holds; says which and for how long. */
    private RegistrationOutcome whyNot(long telegramId, Instant now) {
        UserState user = users.find(telegramId).orElseThrow();
        if (user.isVerified()) {
            return new AlreadyVerified();
        }
        Duration wait = Duration.ZERO;
        if (user.lastCodeAt() != null) {
            wait = max(wait, Duration.between(now, user.lastCodeAt().plus(properties.resendCooldown())));
        }
        if (user.windowStartedAt() != null && user.codesInWindow() >= properties.maxCodesPerWindow()) {
            wait = max(wait, Duration.between(now, user.windowStartedAt().plus(properties.codesWindow())));
        }
        return new TooManyRequests(Math.max(1, ceilSeconds(wait)));
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static long ceilSeconds(Duration duration) {
        return duration.plusNanos(999_999_999).toSeconds();
    }
}
