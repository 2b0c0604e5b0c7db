package uz.lms.registration.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import java.util.UUID;

/**
 * What became of a {@link DeliverCode}, published on {@link Topics#CODE_DELIVERIES}. Never a code;
 * {@code code_event_id} names the {@link DeliverCode} it answers.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = DeliveryEvent.CodeDelivered.class, name = "CodeDelivered"),
    @JsonSubTypes.Type(value = DeliveryEvent.CodeDeliveryFailed.class, name = "CodeDeliveryFailed"),
    @JsonSubTypes.Type(value = DeliveryEvent.CodeExpiredBeforeDelivery.class, name = "CodeExpiredBeforeDelivery")
})
public sealed interface DeliveryEvent {

    UUID eventId();

    Instant occurredAt();

    long telegramId();

    UUID codeEventId();

    record CodeDelivered(
            @JsonProperty("event_id") UUID eventId,
            @JsonProperty("occurred_at") Instant occurredAt,
            @JsonProperty("telegram_id") long telegramId,
            @JsonProperty("code_event_id") UUID codeEventId)
            implements DeliveryEvent {}

    /**
     * Telegram refused the message for good.
     *
     * @param reason {@code blocked} (403: the user blocked the bot or never started it),
     *               {@code chat_not_found}, or {@code telegram_error} with Telegram's description
     */
    record CodeDeliveryFailed(
            @JsonProperty("event_id") UUID eventId,
            @JsonProperty("occurred_at") Instant occurredAt,
            @JsonProperty("telegram_id") long telegramId,
            @JsonProperty("code_event_id") UUID codeEventId,
            @JsonProperty("reason") String reason)
            implements DeliveryEvent {}

    /** The code had expired before it could be sent, so it was not sent. */
    record CodeExpiredBeforeDelivery(
            @JsonProperty("event_id") UUID eventId,
            @JsonProperty("occurred_at") Instant occurredAt,
            @JsonProperty("telegram_id") long telegramId,
            @JsonProperty("code_event_id") UUID codeEventId,
            @JsonProperty("expires_at") Instant expiresAt)
            implements DeliveryEvent {}
}
