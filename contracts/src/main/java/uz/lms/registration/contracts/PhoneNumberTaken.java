package uz.lms.registration.contracts;

/**
 * Another, verified user owns this phone number. Registering answers it; verifying answers it
 * when another user verified the same number while this user's code was live.
 */
public record PhoneNumberTaken() implements RegistrationOutcome, VerificationOutcome {
}
