package uz.lms.registration.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.UUID;

/** The reply to a {@link RegisterUser}, sent to the requester's reply topic. */
public record RegistrationReply(
        @JsonProperty("event_id") UUID eventId,
        @JsonProperty("occurred_at") Instant occurredAt,
        @JsonProperty("telegram_id") long telegramId,
        @JsonProperty("outcome") RegistrationOutcome outcome) {}
