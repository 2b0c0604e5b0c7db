package uz.lms.registration.verification.users;

import org.springframework.stereotype.Service;
import uz.lms.registration.contracts.AlreadyVerified;
import uz.lms.registration.contracts.PhoneNumberTaken;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.contracts.UserEvent.UserVerified;
import uz.lms.registration.contracts.UserEvent.VerificationFailed;
import uz.lms.registration.contracts.VerificationOutcome;
import uz.lms.registration.contracts.VerificationOutcome.AttemptsExhausted;
import uz.lms.registration.contracts.VerificationOutcome.InvalidOrExpiredCode;
import uz.lms.registration.contracts.VerificationOutcome.Verified;
import uz.lms.registration.contracts.VerifyCode;
import uz.lms.registration.verification.VerificationProperties;
import uz.lms.registration.verification.codes.Codes;
import uz.lms.registration.verification.outbox.Outbox;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

/**
 * Checks a submitted code. Runs inside the command's transaction. The hash is compared in constant
 * time, and computed even for an unknown user, so that neither the answer nor its timing tells
 * whether a {@code telegram_id} exists.
 */
@Service
public class Verifications {

    /** Matches no stored hash: those are 64 hex digits. */
    private static final String NO_CODE = "";

    private final Users users;
    private final Codes codes;
    private final Outbox outbox;
    private final VerificationProperties properties;
    private final Clock clock;

    Verifications(Users users, Codes codes, Outbox outbox, VerificationProperties properties, Clock clock) {
        this.users = users;
        this.codes = codes;
        this.outbox = outbox;
        this.properties = properties;
        this.clock = clock;
    }

    public VerificationOutcome verify(VerifyCode command) {
        long telegramId = command.telegramId();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Optional<UserState> found = users.find(telegramId);
        String storedHash = found.map(UserState::verificationCode).orElse(null);
        boolean matches = codes.matches(telegramId, command.verificationCode(), storedHash);

        VerificationOutcome outcome = found.map(user -> check(user, matches, now)).orElseGet(() -> unknown(telegramId, now));
        if (outcome instanceof Verified) {
            outbox.append(Topics.USER_EVENTS, telegramId,
                    new UserVerified(UUID.randomUUID(), now, telegramId, found.get().phoneNumber()));
        } else {
            outbox.append(Topics.USER_EVENTS, telegramId,
                    new VerificationFailed(UUID.randomUUID(), now, telegramId, outcome.type()));
        }
        return outcome;
    }

    private VerificationOutcome check(UserState user, boolean matches, Instant now) {
        if (user.isVerified()) {
            return new AlreadyVerified();
        }
        if (user.verificationCode() != null && user.failedAttempts() >= properties.maxAttempts()) {
            return new AttemptsExhausted();
        }
        if (matches && user.expiresAt().isAfter(now)) {
            if (users.markVerified(user.telegramId(), user.verificationCode(), now, properties.maxAttempts())) {
                return new Verified();
            }
            // Another check won the race, or another user verified this number first: say which.
            return users.find(user.telegramId()).map(this::lostRace).orElseGet(InvalidOrExpiredCode::new);
        }
        if (!matches && user.verificationCode() != null) {
            users.recordFailedAttempt(user.telegramId(), user.verificationCode(), now);
        }
        return new InvalidOrExpiredCode();
    }

    /** Runs the same statements a wrong code does, so that timing does not tell unknown users apart. */
    private VerificationOutcome unknown(long telegramId, Instant now) {
        users.recordFailedAttempt(telegramId, NO_CODE, now);
        return new InvalidOrExpiredCode();
    }

    private VerificationOutcome lostRace(UserState user) {
        if (user.isVerified()) {
            return new AlreadyVerified();
        }
        if (users.isPhoneNumberVerifiedByAnother(user.telegramId(), user.phoneNumber())) {
            return new PhoneNumberTaken();
        }
        if (user.failedAttempts() >= properties.maxAttempts()) {
            return new AttemptsExhausted();
        }
        return new InvalidOrExpiredCode();
    }
}
