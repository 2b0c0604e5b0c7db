package uz.lms.registration.verification.users;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import uz.lms.registration.contracts.AlreadyVerified;
import uz.lms.registration.contracts.Channel;
import uz.lms.registration.contracts.DeliverCode;
import uz.lms.registration.contracts.PhoneNumberTaken;
import uz.lms.registration.contracts.RegisterUser;
import uz.lms.registration.contracts.RegisterUser.Source;
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

/**
 * Registers a user, or refreshes an unverified one, and issues a new code. Runs inside the
 * command's transaction: the row, the events and the code to deliver commit together.
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
    private final Counter codesIssued;

    Registrations(
            Users users,
            Codes codes,
            Outbox outbox,
            VerificationProperties properties,
            Clock clock,
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
        String phoneNumber = command.phoneNumber();
        Source source = command.source();
        Channel channel = source == Source.TELEGRAM_CONTACT ? Channel.CHAT : Channel.API;
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Optional<UserState> user = users.find(telegramId, channel);
        if (user.map(UserState::isVerified).orElse(false)) {
            return new AlreadyVerified();
        }
        // Before the number check, so that a caller cannot learn whose numbers are verified.
        if (source == Source.CALLER
                && !user.map(found -> found.hasAttested(phoneNumber)).orElse(false)) {
            return new ShareNumberFirst();
        }
        if (users.isPhoneNumberVerifiedByAnother(telegramId, phoneNumber)) {
            return new PhoneNumberTaken();
        }
        boolean created = source != Source.CALLER
                && users.createIfAbsent(telegramId, phoneNumber, source, command.language(), now);

        String code = codes.newCode();
        Instant expiresAt = now.plus(properties.codeTtl());
        Optional<String> language = users.issueCode(
                telegramId,
                phoneNumber,
                source,
                channel,
                command.language(),
                codes.hash(telegramId, code),
                expiresAt,
                now);
        if (language.isEmpty()) {
            return whyNot(telegramId, phoneNumber, source, channel, now);
        }

        if (created) {
            outbox.append(
                    Topics.USER_EVENTS,
                    telegramId,
                    new UserRegistered(UUID.randomUUID(), now, telegramId, phoneNumber));
        }
        outbox.append(Topics.USER_EVENTS, telegramId, new CodeIssued(UUID.randomUUID(), now, telegramId, expiresAt));
        outbox.append(
                Topics.VERIFICATION_CODES,
                telegramId,
                new DeliverCode(UUID.randomUUID(), now, telegramId, code, expiresAt, language.get()));
        codesIssued.increment();
        log.info("code issued telegram_id={} expires_at={} source={}", telegramId, expiresAt, source.wireName());
        return new CodeSent(properties.codeTtl().toSeconds());
    }

    /**
     * The code was not issued: the user is verified, the number is no longer the attested one, or a
     * limit holds; says which and for how long.
     */
    private RegistrationOutcome whyNot(
            long telegramId, String phoneNumber, Source source, Channel channel, Instant now) {
        Optional<UserState> found = users.find(telegramId, channel);
        if (found.isEmpty() || (source == Source.CALLER && !found.get().hasAttested(phoneNumber))) {
            return new ShareNumberFirst();
        }
        UserState user = found.get();
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
