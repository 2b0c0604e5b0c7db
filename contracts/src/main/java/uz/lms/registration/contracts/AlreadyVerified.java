package uz.lms.registration.contracts;

import com.fasterxml.jackson.annotation.JsonTypeName;

/** The user is verified already: an answer to both registering and verifying again. */
@JsonTypeName("already_verified")
public record AlreadyVerified() implements RegistrationOutcome, VerificationOutcome {}
