package uz.lms.registration.verification.users;

import io.micrometer.observation.Observation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import uz.lms.registration.contracts.AlreadyVerified;
import uz.lms.registration.contracts.DeliverCode;
import uz.lms.registration.contracts.PhoneNumberTaken;
import uz.lms.registration.contracts.RegisterUser;
import uz.lms.registration.contracts.RegistrationOutcome;
import uz.lms.registration.contracts.RegistrationOutcome.CodeSent;
import uz.lms.registration.contracts.RegistrationOutcome.ShareNumberFirst;
import uz.lms.registration.contracts.RegistrationOutcome.TooManyRequests;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.contracts.UserEvent.CodeIssued;
import uz.lms.registration.contracts.UserEvent.UserRegistered;
import uz.lms.registration.verification.VerificationProperties;
import uz.lms.registration.verification.codes.Codes;
import uz.lms.registration.verification.outbox.Outbox;
import uz.lms.registration.verification.users.UserState.Counters;

/**
 * Registers a user, or refreshes an unverified one, and issues a new code. Runs inside the
 * transaction of a batch of commands: the rows, the events and the codes to deliver commit together.
 *
 * <p>Only Telegram binds a number to an account: a contact the bot accepted attests it. A caller
 * (the gateway) gets a code only for an existing user's attested number, so that nobody can bind,
 * swap or block someone else's number through the HTTP API. Codes the bot asks for and codes
 * callers ask for count against separate cooldowns and quotas: the code always goes to the
 * account's own chat, and an outsider who knows a user's {@code telegram_id} and number could
 * otherwise use up the quota and keep the user from getting a code by sharing their contact. The
 * outsider can at most replace the user's code with a new one, which the chat receives too, a
 * limited number of times per window.
 */
@Service
public class Registrations {

    private static final Logger log = LoggerFactory.getLogger(Registrations.class);

    private final Users users;
    private final Codes codes;
    private final Outbox outbox;
    private final VerificationProperties properties;
    private final Clock clock;

    Registrations(Users users, Codes codes, Outbox outbox, VerificationProperties properties, Clock clock) {
        this.users = users;
        this.codes = codes;
        this.outbox = outbox;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Applies the commands in their order, each seeing what the ones before it changed; the users they name stay
     * locked until the transaction ends, and their events go to the outbox together.
     *
     * @param sourceOf who vouches for each command's number: what the topic it came on allows, never what it says
     * @param spanOf   each command's span, in which its part runs: its log lines and the events it causes are in its
     *     trace
     * @return each command's outcome, in the commands' order
     */
    public List<RegistrationOutcome> register(
            List<RegisterUser> commands,
            Function<RegisterUser, Source> sourceOf,
            Function<RegisterUser, Observation> spanOf) {
        Map<Long, UserState> locked = new HashMap<>(
                users.lock(commands.stream().map(RegisterUser::telegramId).toList()));
        // A batch of registrations verifies nobody: who owns a verified number stays as read here.
        Map<String, Long> verifiedOwners = users.verifiedOwners(
                commands.stream().map(RegisterUser::phoneNumber).distinct().toList());
        List<Outbox.Entry> events = new ArrayList<>();
        List<RegistrationOutcome> outcomes = new ArrayList<>(commands.size());
        for (RegisterUser command : commands) {
            outcomes.add(spanOf.apply(command)
                    .scoped(() -> register(command, sourceOf.apply(command), locked, verifiedOwners, events)));
        }
        outbox.append(events);
        return outcomes;
    }

    private RegistrationOutcome register(
            RegisterUser command,
            Source source,
            Map<Long, UserState> locked,
            Map<String, Long> verifiedOwners,
            List<Outbox.Entry> events) {
        long telegramId = command.telegramId();
        String phoneNumber = command.phoneNumber();
        Channel channel = source == Source.TELEGRAM_CONTACT ? Channel.CHAT : Channel.API;
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Optional<UserState> user = Optional.ofNullable(locked.get(telegramId));
        if (user.map(UserState::isVerified).orElse(false)) {
            return new AlreadyVerified();
        }
        // Before the number check, so that a caller cannot learn whose numbers are verified.
        if (source == Source.CALLER
                && !user.map(found -> found.hasAttested(phoneNumber)).orElse(false)) {
            return new ShareNumberFirst();
        }
        Long owner = verifiedOwners.get(phoneNumber);
        if (owner != null && owner != telegramId) {
            return new PhoneNumberTaken();
        }
        boolean created = false;
        if (user.isEmpty() && source != Source.CALLER) {
            Optional<UserState> inserted =
                    users.createIfAbsent(telegramId, phoneNumber, source, command.language(), now);
            created = inserted.isPresent();
            // Another transaction created the user since the batch read its users: read it as it left it.
            user = inserted.or(
                    () -> Optional.ofNullable(users.lock(List.of(telegramId)).get(telegramId)));
            user.ifPresent(found -> locked.put(telegramId, found));
        }

        String code = codes.newCode();
        Instant expiresAt = now.plus(properties.codeTtl());
        Optional<UserState> issued = users.issueCode(
                telegramId,
                phoneNumber,
                source,
                channel,
                command.language(),
                codes.hash(telegramId, code),
                expiresAt,
                now);
        if (issued.isEmpty()) {
            return whyNot(user, phoneNumber, source, channel, now);
        }
        locked.put(telegramId, issued.get());

        if (created) {
            events.add(outbox.entry(
                    Topics.USER_EVENTS,
                    telegramId,
                    new UserRegistered(UUID.randomUUID(), now, telegramId, phoneNumber)));
        }
        events.add(outbox.entry(
                Topics.USER_EVENTS, telegramId, new CodeIssued(UUID.randomUUID(), now, telegramId, expiresAt)));
        events.add(outbox.entry(
                Topics.VERIFICATION_CODES,
                telegramId,
                new DeliverCode(
                        UUID.randomUUID(),
                        now,
                        telegramId,
                        code,
                        expiresAt,
                        issued.get().language(),
                        command.occurredAt())));
        log.info(
                "code issued telegram_id={} expires_at={} source={}",
                telegramId,
                expiresAt,
                source.name().toLowerCase(Locale.ROOT));
        return new CodeSent(properties.codeTtl().toSeconds());
    }

    /**
     * The code was not issued: the user is verified, the number is no longer the attested one, or a
     * limit holds; says which and for how long. The user's row is locked: {@code found} is how it is.
     */
    private RegistrationOutcome whyNot(
            Optional<UserState> found, String phoneNumber, Source source, Channel channel, Instant now) {
        if (found.isEmpty() || (source == Source.CALLER && !found.get().hasAttested(phoneNumber))) {
            return new ShareNumberFirst();
        }
        UserState user = found.get();
        if (user.isVerified()) {
            return new AlreadyVerified();
        }
        Counters counters = user.counters(channel);
        Duration wait = Duration.ZERO;
        if (counters.lastCodeAt() != null) {
            wait = max(wait, Duration.between(now, counters.lastCodeAt().plus(properties.resendCooldown())));
        }
        if (counters.windowStartedAt() != null && counters.codesInWindow() >= properties.maxCodesPerWindow()) {
            wait = max(wait, Duration.between(now, counters.windowStartedAt().plus(properties.codesWindow())));
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
