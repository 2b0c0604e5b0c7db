package uz.lms.registration.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Command: check a code a user submitted. The {@code event_id} is the idempotency key.
 * An invalid command cannot be built, nor read off the wire.
 *
 * <p>Which budget of wrong checks it spends follows from its topic ({@link Topics}): {@link Topics#CHAT_VERIFICATIONS}
 * for codes typed in the chat, {@link Topics#VERIFICATION_REQUESTS} for checks over HTTP.
 *
 * @param verificationCode the submitted candidate, six digits
 */
public record VerifyCode(
        @JsonProperty("event_id") UUID eventId,
        @JsonProperty("occurred_at") Instant occurredAt,
        @JsonProperty("telegram_id") long telegramId,
        @JsonProperty("verification_code") String verificationCode) {

    /** What a code is, issued or typed: ASCII digits only, so no other script's digits pass. */
    static final Pattern SIX_DIGITS = Pattern.compile("[0-9]{6}");

    public VerifyCode {
        Objects.requireNonNull(eventId, "event_id");
        if (telegramId <= 0) {
            throw new IllegalArgumentException("telegram_id must be positive");
        }
        if (verificationCode == null || !SIX_DIGITS.matcher(verificationCode).matches()) {
            throw new IllegalArgumentException("verification_code must be six digits");
        }
    }

    @Override
    public String toString() {
        // Records print every component; the candidate code must never reach a log.
        return "VerifyCode[event_id=" + eventId + ", telegram_id=" + telegramId + "]";
    }
}
