package uz.lms.registration.verification.users;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import uz.lms.registration.contracts.AlreadyVerified;
import uz.lms.registration.contracts.Channel;
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

/**
 * Checks a submitted code. Runs inside the command's transaction. The hash is compared in constant
 * time, and computed even for an unknown user, so that neither the answer nor its timing tells
 * whether a {@code telegram_id} exists.
 *
 * <p>A code typed in the chat comes from the account itself, a check over HTTP from anyone who
 * knows the {@code telegram_id}; so each channel has its own budget of wrong checks per code, and
 * HTTP checks can never burn the chat's code. Over HTTP the account also stops after
 * {@code verification.max-failures} failed checks in a row, across codes, until
 * {@code verification.failure-lockout} has passed since the last of them: new codes would
 * otherwise buy new guesses without end.
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
        Channel channel = command.channel();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Optional<UserState> found = users.find(telegramId, channel);
        String storedHash = found.map(UserState::verificationCode).orElse(null);
        boolean matches = codes.matches(telegramId, command.verificationCode(), storedHash);

        VerificationOutcome outcome = found.map(user -> check(user, matches, channel, now))
                .orElseGet(() -> unknown(telegramId, channel, now));
        if (outcome instanceof Verified) {
            outbox.append(
                    Topics.USER_EVENTS,
                    telegramId,
                    new UserVerified(
                            UUID.randomUUID(), now, telegramId, found.get().phoneNumber()));
        } else {
            outbox.append(
                    Topics.USER_EVENTS,
                    telegramId,
                    new VerificationFailed(UUID.randomUUID(), now, telegramId, outcome.type()));
        }
        return outcome;
    }

    private VerificationOutcome check(UserState user, boolean matches, Channel channel, Instant now) {
        if (user.isVerified()) {
            return new AlreadyVerified();
        }
        if (exhausted(user, channel, now)) {
            return new AttemptsExhausted();
        }
        if (matches && user.expiresAt().isAfter(now)) {
            if (users.markVerified(user.telegramId(), user.verificationCode(), channel, now)) {
                return new Verified();
            }
            // Another check won the race, or another user verified this number first: say which.
            return users.find(user.telegramId(), channel)
                    .map(latest -> lostRace(latest, channel, now))
                    .orElseGet(InvalidOrExpiredCode::new);
        }
        users.recordFailedCheck(user.telegramId(), user.verificationCode(), channel, now);
        return new InvalidOrExpiredCode();
    }

    /** Checks through this channel stop: the code is burned for it, or HTTP checks are locked out. */
    private boolean exhausted(UserState user, Channel channel, Instant now) {
        boolean burned = user.verificationCode() != null && user.failedAttempts() >= properties.maxAttempts();
        boolean lockedOut = channel == Channel.API
                && user.apiFailuresInRow() >= properties.maxFailures()
                && user.apiLastFailureAt().isAfter(now.minus(properties.failureLockout()));
        return burned || lockedOut;
    }

    /** Runs the same statements a wrong code does, so that timing does not tell unknown users apart. */
    private VerificationOutcome unknown(long telegramId, Channel channel, Instant now) {
        users.recordFailedCheck(telegramId, NO_CODE, channel, now);
        return new InvalidOrExpiredCode();
    }

    private VerificationOutcome lostRace(UserState user, Channel channel, Instant now) {
        if (user.isVerified()) {
            return new AlreadyVerified();
        }
        if (users.isPhoneNumberVerifiedByAnother(user.telegramId(), user.phoneNumber())) {
            return new PhoneNumberTaken();
        }
        if (exhausted(user, channel, now)) {
            return new AttemptsExhausted();
        }
        return new InvalidOrExpiredCode();
    }
}
