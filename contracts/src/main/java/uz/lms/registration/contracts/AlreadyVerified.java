package uz.lms.registration.contracts;

/** The user is verified already: an answer to both registering and verifying again. */
public record AlreadyVerified() implements RegistrationOutcome, VerificationOutcome {
}
