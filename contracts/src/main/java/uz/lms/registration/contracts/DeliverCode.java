package uz.lms.registration.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.UUID;

/**
 * A code to deliver to a user's private chat. Travels only on {@link Topics#VERIFICATION_CODES}.
 * A code that is not six digits cannot be built, nor read off the wire: the bot sends it as HTML,
 * so a forged record must not be able to put anything else, a link say, in the message.
 *
 * @param code        exactly six ASCII digits
 * @param language    {@code uz}, {@code ru} or {@code en}
 * @param requestedAt when the registration that issued the code was sent (its {@link RegisterUser}'s
 *                    {@code occurred_at}: the {@code /register} call or the shared contact), so the bot can time
 *                    registration to {@code sendMessage}; null in records of releases before it
 */
public record DeliverCode(
        @JsonProperty("event_id") UUID eventId,
        @JsonProperty("occurred_at") Instant occurredAt,
        @JsonProperty("telegram_id") long telegramId,
        @JsonProperty("code") String code,
        @JsonProperty("expires_at") Instant expiresAt,
        @JsonProperty("language") String language,
        @JsonProperty("requested_at") Instant requestedAt) {

    public DeliverCode {
        if (code == null || !VerifyCode.SIX_DIGITS.matcher(code).matches()) {
            throw new IllegalArgumentException("code must be six digits");
        }
    }

    @Override
    public String toString() {
        return "DeliverCode[event_id=" + eventId + ", telegram_id=" + telegramId + ", expires_at=" + expiresAt + "]";
    }
}
