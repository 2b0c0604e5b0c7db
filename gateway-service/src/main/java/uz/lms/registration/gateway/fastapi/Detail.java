package uz.lms.registration.gateway.fastapi;

import io.swagger.v3.oas.annotations.media.Schema;

/** Every error body but 422's: FastAPI's {@code HTTPException} shape, rendered by {@link FastApi}. */
public record Detail(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String detail) {}
