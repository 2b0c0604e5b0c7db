package uz.lms.registration.verification.users;

import io.micrometer.observation.Observation;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
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

/**
 * Checks submitted codes. Runs inside the transaction of a batch of commands. The hash is compared in constant
 * time, and computed even for an unknown user, whose HTTP checks are counted as an account's are, so that neither
 * an answer, nor the answers to many checks, nor their timing tells whether a {@code telegram_id} exists.
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

    private final Users users;
    private final UnknownTelegramIds unknownIds;
    private final Codes codes;
    private final Outbox outbox;
    private final VerificationProperties properties;
    private final Clock clock;

    Verifications(
            Users users,
            UnknownTelegramIds unknownIds,
            Codes codes,
            Outbox outbox,
            VerificationProperties properties,
            Clock clock) {
        this.users = users;
        this.unknownIds = unknownIds;
        this.codes = codes;
        this.outbox = outbox;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Checks the codes in their order, each seeing what the checks before it changed; the users they name stay
     * locked until the transaction ends, and their events go to the outbox together.
     *
     * @param channel the path the codes came by, which the topic they arrived on says: whose budget they spend
     * @param spanOf  each command's span, in which its part runs: its log lines and the events it causes are in its
     *     trace
     * @return each command's check, in the commands' order
     */
    public List<Check> verify(List<VerifyCode> commands, Channel channel, Function<VerifyCode, Observation> spanOf) {
        Map<Long, UserState> locked = new HashMap<>(
                users.lock(commands.stream().map(VerifyCode::telegramId).toList()));
        List<Outbox.Entry> events = new ArrayList<>();
        List<Check> checks = new ArrayList<>(commands.size());
        for (VerifyCode command : commands) {
            checks.add(spanOf.apply(command).scoped(() -> verify(command, channel, locked, events)));
        }
        outbox.append(events);
        return checks;
    }

    private Check verify(VerifyCode command, Channel channel, Map<Long, UserState> locked, List<Outbox.Entry> events) {
        long telegramId = command.telegramId();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Optional<UserState> found = Optional.ofNullable(locked.get(telegramId));
        String storedHash = found.map(UserState::verificationCode).orElse(null);
        boolean matches = codes.matches(telegramId, command.verificationCode(), storedHash);

        Check check = found.map(user -> check(user, matches, channel, now, locked))
                .orElseGet(() -> unknown(telegramId, channel, now));
        VerificationOutcome outcome = check.outcome();
        if (outcome instanceof Verified) {
            events.add(outbox.entry(
                    Topics.USER_EVENTS,
                    telegramId,
                    new UserVerified(
                            UUID.randomUUID(), now, telegramId, found.get().phoneNumber())));
        } else {
            events.add(outbox.entry(
                    Topics.USER_EVENTS,
                    telegramId,
                    new VerificationFailed(UUID.randomUUID(), now, telegramId, outcome.type())));
        }
        return check;
    }

    /**
     * Decides by what the conditional statements change, not by what the batch read: verifying and counting a wrong
     * check each hold the caps in their own statement, so that no interleaving of checks, in this transaction or
     * another instance's, verifies past a cap, counts past it, or answers 400 for a check it did not count. What was
     * read only chooses between refusals. What the statements return tells whether this check burned the code or
     * locked the account out: each counts up to its cap once, and then no more.
     */
    private Check check(UserState user, boolean matches, Channel channel, Instant now, Map<Long, UserState> locked) {
        if (user.isVerified()) {
            return Check.refused(new AlreadyVerified());
        }
        if (matches && user.expiresAt().isAfter(now)) {
            Optional<UserState> verified = users.markVerified(user.telegramId(), user.verificationCode(), channel, now);
            if (verified.isPresent()) {
                locked.put(user.telegramId(), verified.get());
                // Issued code-ttl before its expiry (by the code-ttl in force now, if it changed since).
                return Check.verified(user.expiresAt().minus(properties.codeTtl()));
            }
            // Under the caps, the row locked: another user has verified this number first.
            if (!exhausted(user, channel, now)
                    && users.isPhoneNumberVerifiedByAnother(user.telegramId(), user.phoneNumber())) {
                return Check.refused(new PhoneNumberTaken());
            }
        }
        Optional<UserState> counted = users.recordFailedCheck(user.telegramId(), channel, now);
        counted.ifPresent(row -> locked.put(row.telegramId(), row));
        return counted.map(row -> Check.counted(
                        row.verificationCode() != null
                                && row.counters(channel).failedAttempts() == properties.maxAttempts(),
                        channel == Channel.API && row.apiFailuresInRow() == properties.maxFailures()))
                .orElseGet(() -> Check.refused(new AttemptsExhausted()));
    }

    /** Checks through this channel stop: the code is burned for it, or HTTP checks are locked out. */
    private boolean exhausted(UserState user, Channel channel, Instant now) {
        boolean burned =
                user.verificationCode() != null && user.counters(channel).failedAttempts() >= properties.maxAttempts();
        boolean lockedOut = channel == Channel.API
                && user.apiFailuresInRow() >= properties.maxFailures()
                && user.apiLastFailureAt().isAfter(now.minus(properties.failureLockout()));
        return burned || lockedOut;
    }

    /**
     * Over HTTP, counted as an account's checks are ({@link UnknownTelegramIds}), by a statement of the same cost as
     * an account's, so that neither the answers nor their timing tell unknown users apart. A code typed in the chat
     * comes from the account itself, which knows whether it has shared its number: nothing counts it. An unknown id
     * has no code to burn nor account to lock.
     */
    private Check unknown(long telegramId, Channel channel, Instant now) {
        if (channel == Channel.CHAT) {
            return Check.refused(new InvalidOrExpiredCode());
        }
        return unknownIds.recordFailedCheck(telegramId, now)
                ? Check.counted(false, false)
                : Check.refused(new AttemptsExhausted());
    }
}
