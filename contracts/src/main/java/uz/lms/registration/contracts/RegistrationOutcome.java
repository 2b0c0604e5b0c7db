package uz.lms.registration.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What a {@link RegisterUser} command came to: one variant per row of the contract's
 * {@code POST /register} table, so that every caller maps them one to one.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = RegistrationOutcome.CodeSent.class, name = "code_sent"),
        @JsonSubTypes.Type(value = AlreadyVerified.class, name = "already_verified"),
        @JsonSubTypes.Type(value = PhoneNumberTaken.class, name = "phone_number_taken"),
        @JsonSubTypes.Type(value = RegistrationOutcome.TooManyRequests.class, name = "too_many_requests"),
        @JsonSubTypes.Type(value = RegistrationOutcome.ShareNumberFirst.class, name = "share_phone_number_first")})
public sealed interface RegistrationOutcome permits RegistrationOutcome.CodeSent, AlreadyVerified, PhoneNumberTaken,
        RegistrationOutcome.TooManyRequests, RegistrationOutcome.ShareNumberFirst {

    /** A new code was issued and is on its way through Telegram. */
    record CodeSent(@JsonProperty("expires_in") long expiresIn) implements RegistrationOutcome {
    }

    /** Resend cooldown or send quota: try again after {@code retry_after} seconds. */
    record TooManyRequests(@JsonProperty("retry_after") long retryAfter) implements RegistrationOutcome {
    }

    /**
     * A caller asked for a code for a number Telegram has not attested for this account (no number
     * yet, or another one): the user must share it with the bot first.
     */
    record ShareNumberFirst() implements RegistrationOutcome {
    }
}
