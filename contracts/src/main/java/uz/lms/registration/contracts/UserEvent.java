package uz.lms.registration.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import java.util.UUID;

/** Facts about users, published on {@link Topics#USER_EVENTS} for the LMS and operators. Never a code. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = UserEvent.UserRegistered.class, name = "UserRegistered"),
    @JsonSubTypes.Type(value = UserEvent.CodeIssued.class, name = "CodeIssued"),
    @JsonSubTypes.Type(value = UserEvent.UserVerified.class, name = "UserVerified"),
    @JsonSubTypes.Type(value = UserEvent.VerificationFailed.class, name = "VerificationFailed")
})
public sealed interface UserEvent {

    UUID eventId();

    Instant occurredAt();

    long telegramId();

    /** A user row was created for this {@code telegram_id}. */
    record UserRegistered(
            @JsonProperty("event_id") UUID eventId,
            @JsonProperty("occurred_at") Instant occurredAt,
            @JsonProperty("telegram_id") long telegramId,
            @JsonProperty("phone_number") String phoneNumber)
            implements UserEvent {}

    /** A new code was issued (the code itself travels only on {@link Topics#VERIFICATION_CODES}). */
    record CodeIssued(
            @JsonProperty("event_id") UUID eventId,
            @JsonProperty("occurred_at") Instant occurredAt,
            @JsonProperty("telegram_id") long telegramId,
            @JsonProperty("expires_at") Instant expiresAt)
            implements UserEvent {}

    /** The user proved they own their Telegram account. */
    record UserVerified(
            @JsonProperty("event_id") UUID eventId,
            @JsonProperty("occurred_at") Instant occurredAt,
            @JsonProperty("telegram_id") long telegramId,
            @JsonProperty("phone_number") String phoneNumber)
            implements UserEvent {}

    /**
     * A verification attempt failed.
     *
     * @param reason the outcome's {@link Outcome#type() type id}: {@code invalid_or_expired_code},
     *               {@code attempts_exhausted}, {@code already_verified} or {@code phone_number_taken}
     */
    record VerificationFailed(
            @JsonProperty("event_id") UUID eventId,
            @JsonProperty("occurred_at") Instant occurredAt,
            @JsonProperty("telegram_id") long telegramId,
            @JsonProperty("reason") String reason)
            implements UserEvent {}
}
