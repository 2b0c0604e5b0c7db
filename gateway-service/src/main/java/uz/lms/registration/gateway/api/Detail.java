package uz.lms.registration.gateway.api;

import io.swagger.v3.oas.annotations.media.Schema;

/** Every error body but 422's: FastAPI's {@code HTTPException} shape. */
public record Detail(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String detail) {

    public static final Detail UNAVAILABLE = new Detail("Service temporarily unavailable");
}
