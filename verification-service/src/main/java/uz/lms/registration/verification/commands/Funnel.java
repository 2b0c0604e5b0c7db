package uz.lms.registration.verification.commands;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;
import org.springframework.stereotype.Component;
import uz.lms.registration.contracts.RegistrationOutcome;
import uz.lms.registration.contracts.RegistrationOutcome.CodeSent;
import uz.lms.registration.verification.users.Channel;
import uz.lms.registration.verification.users.Check;

/**
 * The registration funnel as this service sees it: codes issued, codes verified and how long after their issue, wrong
 * checks counted, codes burned and accounts locked out. Told only of commands whose transaction has committed, so a
 * poll applied again after a failure counts once what it committed. Every series exists from the start, at zero.
 */
@Component
class Funnel {

    private final Clock clock;
    private final Counter codesIssued;
    private final Map<Channel, Counter> verified;
    private final Map<Channel, Timer> timeToVerify;
    private final Map<Channel, Counter> failedChecks;
    private final Counter codesBurned;
    private final Counter accountsLocked;

    Funnel(MeterRegistry meters, Clock clock) {
        this.clock = clock;
        this.codesIssued = Counter.builder("verification.codes.issued")
                .description("Codes issued by committed registrations")
                .register(meters);
        this.verified = byChannel(channel -> Counter.builder("verification.codes.verified")
                .description("Users verified, by where the code was typed")
                .tag("channel", tag(channel))
                .register(meters));
        this.timeToVerify = byChannel(channel -> Timer.builder("verification.time.to.verify")
                .description("Time from a code's issue to the commit of the check that verified it")
                .tag("channel", tag(channel))
                .register(meters));
        this.failedChecks = byChannel(channel -> Counter.builder("verification.checks.failed")
                .description("Wrong checks counted against a code, an account's run of failures or an unknown id")
                .tag("channel", tag(channel))
                .register(meters));
        this.codesBurned = lockouts("code", meters);
        this.accountsLocked = lockouts("account", meters);
    }

    private static Counter lockouts(String kind, MeterRegistry meters) {
        return Counter.builder("verification.lockouts")
                .description("Codes burned by their wrong checks (code), accounts whose HTTP checks locked (account)")
                .tag("kind", kind)
                .register(meters);
    }

    /** A registration has committed. */
    void registered(RegistrationOutcome outcome) {
        if (outcome instanceof CodeSent) {
            codesIssued.increment();
        }
    }

    /** A check through {@code channel} has committed, now. */
    void checked(Check check, Channel channel) {
        Instant codeIssuedAt = check.codeIssuedAt();
        if (codeIssuedAt != null) {
            verified.get(channel).increment();
            timeToVerify.get(channel).record(Duration.between(codeIssuedAt, clock.instant()));
        }
        if (check.failureCounted()) {
            failedChecks.get(channel).increment();
        }
        if (check.codeBurned()) {
            codesBurned.increment();
        }
        if (check.accountLocked()) {
            accountsLocked.increment();
        }
    }

    /** As operators name the paths: {@code POST /verify} is {@code http}. */
    private static String tag(Channel channel) {
        return switch (channel) {
            case CHAT -> "chat";
            case API -> "http";
        };
    }

    private static <M> Map<Channel, M> byChannel(Function<Channel, M> meter) {
        Map<Channel, M> meters = new EnumMap<>(Channel.class);
        for (Channel channel : Channel.values()) {
            meters.put(channel, meter.apply(channel));
        }
        return meters;
    }
}
