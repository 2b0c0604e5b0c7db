package uz.lms.registration.contracts;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;

/**
 * What a {@link VerifyCode} command came to: one variant per row of the contract's
 * {@code POST /verify} table, so that every caller maps them one to one.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(VerificationOutcome.Verified.class),
    @JsonSubTypes.Type(VerificationOutcome.InvalidOrExpiredCode.class),
    @JsonSubTypes.Type(AlreadyVerified.class),
    @JsonSubTypes.Type(VerificationOutcome.AttemptsExhausted.class),
    @JsonSubTypes.Type(PhoneNumberTaken.class)
})
public sealed interface VerificationOutcome extends Outcome
        permits VerificationOutcome.Verified,
                VerificationOutcome.InvalidOrExpiredCode,
                AlreadyVerified,
                VerificationOutcome.AttemptsExhausted,
                PhoneNumberTaken {

    /** Right code, in time, first use: the user is verified now. */
    @JsonTypeName("verified")
    record Verified() implements VerificationOutcome {}

    /** Wrong, expired, replaced or used code, or an unknown user: callers cannot tell which. */
    @JsonTypeName("invalid_or_expired_code")
    record InvalidOrExpiredCode() implements VerificationOutcome {}

    /** The current code took {@code verification.max-attempts} wrong guesses and is burned. */
    @JsonTypeName("attempts_exhausted")
    record AttemptsExhausted() implements VerificationOutcome {}
}
