package uz.lms.registration.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.UUID;

/**
 * Command: check a code a user submitted. The {@code event_id} is the idempotency key.
 *
 * @param verificationCode the submitted candidate, six digits
 */
public record VerifyCode(
        @JsonProperty("event_id") UUID eventId,
        @JsonProperty("occurred_at") Instant occurredAt,
        @JsonProperty("telegram_id") long telegramId,
        @JsonProperty("verification_code") String verificationCode) {

    @Override
    public String toString() {
        // Records print every component; the candidate code must never reach a log.
        return "VerifyCode[event_id=" + eventId + ", telegram_id=" + telegramId + "]";
    }
}
