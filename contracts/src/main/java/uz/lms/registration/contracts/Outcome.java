package uz.lms.registration.contracts;

import com.fasterxml.jackson.annotation.JsonTypeName;

/**
 * What a command came to. Each variant is named once, by its {@link JsonTypeName}: that name is its
 * {@code type} on the wire, and the name logs, metrics and {@link UserEvent.VerificationFailed} use.
 */
public sealed interface Outcome permits RegistrationOutcome, VerificationOutcome {

    /** The outcome's type id: {@code code_sent}, {@code verified}, {@code already_verified}, ... */
    default String type() {
        return getClass().getAnnotation(JsonTypeName.class).value();
    }
}
