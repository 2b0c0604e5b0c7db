package uz.lms.registration.gateway.fastapi;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** The 422 body: FastAPI's {@code RequestValidationError} shape. */
public record ValidationFailure(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<ValidationError> detail) {}
