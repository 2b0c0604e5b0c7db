package uz.lms.registration.gateway.fastapi;

import java.util.List;

/** A request body that fails validation; answered 422 by {@link ApiExceptionHandler}. */
public class InvalidRequest extends RuntimeException {

    private final List<ValidationError> errors;

    public InvalidRequest(List<ValidationError> errors) {
        super("invalid request body", null, false, false);
        this.errors = List.copyOf(errors);
    }

    public List<ValidationError> errors() {
        return errors;
    }
}
