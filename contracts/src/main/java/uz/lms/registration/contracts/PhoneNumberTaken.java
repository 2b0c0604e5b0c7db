package uz.lms.registration.contracts;

import com.fasterxml.jackson.annotation.JsonTypeName;

/**
 * Another, verified user owns this phone number. Registering answers it; verifying answers it
 * when another user verified the same number while this user's code was live.
 */
@JsonTypeName("phone_number_taken")
public record PhoneNumberTaken() implements RegistrationOutcome, VerificationOutcome {}
