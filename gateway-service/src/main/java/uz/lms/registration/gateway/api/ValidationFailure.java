package uz.lms.registration.gateway.api;

import java.util.List;

/** The 422 body: FastAPI's {@code RequestValidationError} shape. */
public record ValidationFailure(List<ValidationError> detail) {
}
