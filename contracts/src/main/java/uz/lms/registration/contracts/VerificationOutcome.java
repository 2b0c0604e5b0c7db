package uz.lms.registration.contracts;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What a {@link VerifyCode} command came to: one variant per row of the contract's
 * {@code POST /verify} table, so that every caller maps them one to one.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = VerificationOutcome.Verified.class, name = "verified"),
        @JsonSubTypes.Type(value = VerificationOutcome.InvalidOrExpiredCode.class, name = "invalid_or_expired_code"),
        @JsonSubTypes.Type(value = AlreadyVerified.class, name = "already_verified"),
        @JsonSubTypes.Type(value = VerificationOutcome.AttemptsExhausted.class, name = "attempts_exhausted"),
        @JsonSubTypes.Type(value = PhoneNumberTaken.class, name = "phone_number_taken")})
public sealed interface VerificationOutcome permits VerificationOutcome.Verified,
        VerificationOutcome.InvalidOrExpiredCode, AlreadyVerified, VerificationOutcome.AttemptsExhausted,
        PhoneNumberTaken {

    /** Right code, in time, first use: the user is verified now. */
    record Verified() implements VerificationOutcome {
    }

    /** Wrong, expired, replaced or used code, or an unknown user: callers cannot tell which. */
    record InvalidOrExpiredCode() implements VerificationOutcome {
    }

    /** The current code took {@code verification.max-attempts} wrong guesses and is burned. */
    record AttemptsExhausted() implements VerificationOutcome {
    }
}
