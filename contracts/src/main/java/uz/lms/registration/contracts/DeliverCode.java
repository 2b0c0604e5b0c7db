package uz.lms.registration.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.UUID;

/**
 * A code to deliver to a user's private chat. Travels only on {@link Topics#VERIFICATION_CODES}.
 *
 * @param language {@code uz}, {@code ru} or {@code en}
 */
public record DeliverCode(
        @JsonProperty("event_id") UUID eventId,
        @JsonProperty("occurred_at") Instant occurredAt,
        @JsonProperty("telegram_id") long telegramId,
        @JsonProperty("code") String code,
        @JsonProperty("expires_at") Instant expiresAt,
        @JsonProperty("language") String language) {

    @Override
    public String toString() {
        return "DeliverCode[event_id=" + eventId + ", telegram_id=" + telegramId + ", expires_at=" + expiresAt + "]";
    }
}
