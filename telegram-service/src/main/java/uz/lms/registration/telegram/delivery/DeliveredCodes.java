package uz.lms.registration.telegram.delivery;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;
import uz.lms.registration.contracts.DeliverCode;

/**
 * The {@link DeliverCode} events this instance has handled, by {@code event_id}, each until its code
 * expires: verification-service publishes at least once, and a redelivered event keeps its id, so a
 * code is sent to the chat once. In memory: a redelivery to another instance after a crash, which
 * lost what this one remembered, may still be sent again.
 */
@Component
class DeliveredCodes {

    private final Clock clock;
    private final Map<UUID, Instant> expiries = new ConcurrentHashMap<>();

    DeliveredCodes(Clock clock) {
        this.clock = clock;
    }

    boolean handled(DeliverCode code) {
        return expiries.containsKey(code.eventId());
    }

    /** Remembers a handled event, and forgets those whose codes have expired: no redelivery of them is sent anyway. */
    void remember(DeliverCode code) {
        Instant now = clock.instant();
        expiries.values().removeIf(expiry -> !expiry.isAfter(now));
        if (code.expiresAt().isAfter(now)) {
            expiries.put(code.eventId(), code.expiresAt());
        }
    }
}
