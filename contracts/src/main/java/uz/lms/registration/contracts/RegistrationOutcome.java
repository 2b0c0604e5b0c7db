package uz.lms.registration.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;

/**
 * What a {@link RegisterUser} command came to: one variant per row of the contract's
 * {@code POST /register} table, so that every caller maps them one to one.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(RegistrationOutcome.CodeSent.class),
    @JsonSubTypes.Type(AlreadyVerified.class),
    @JsonSubTypes.Type(PhoneNumberTaken.class),
    @JsonSubTypes.Type(RegistrationOutcome.TooManyRequests.class),
    @JsonSubTypes.Type(RegistrationOutcome.ShareNumberFirst.class)
})
public sealed interface RegistrationOutcome extends Outcome
        permits RegistrationOutcome.CodeSent,
                AlreadyVerified,
                PhoneNumberTaken,
                RegistrationOutcome.TooManyRequests,
                RegistrationOutcome.ShareNumberFirst {

    /** A new code was issued and is on its way through Telegram. */
    @JsonTypeName("code_sent")
    record CodeSent(@JsonProperty("expires_in") long expiresIn) implements RegistrationOutcome {}

    /** Resend cooldown or send quota: try again after {@code retry_after} seconds. */
    @JsonTypeName("too_many_requests")
    record TooManyRequests(@JsonProperty("retry_after") long retryAfter) implements RegistrationOutcome {}

    /**
     * A caller asked for a code for a number Telegram has not attested for this account (no number
     * yet, or another one): the user must share it with the bot first.
     */
    @JsonTypeName("share_phone_number_first")
    record ShareNumberFirst() implements RegistrationOutcome {}
}
