package uz.lms.registration.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.UUID;

/**
 * Command: register (or refresh) a user and issue a new code. The {@code event_id} is the
 * idempotency key: a redelivered command gets the first answer again and changes nothing.
 *
 * @param phoneNumber E.164, already normalized by the sender
 * @param language    {@code uz}, {@code ru} or {@code en}: the language the code is delivered in
 */
public record RegisterUser(
        @JsonProperty("event_id") UUID eventId,
        @JsonProperty("occurred_at") Instant occurredAt,
        @JsonProperty("telegram_id") long telegramId,
        @JsonProperty("phone_number") String phoneNumber,
        @JsonProperty("language") String language) {
}
