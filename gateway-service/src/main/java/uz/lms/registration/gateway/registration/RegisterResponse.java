package uz.lms.registration.gateway.registration;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/** The 200 body of {@code POST /register}. */
record RegisterResponse(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "Verification code sent")
        String message,

        @JsonProperty("expires_in")
        @Schema(
                requiredMode = Schema.RequiredMode.REQUIRED,
                description = "seconds the code stays valid",
                example = "60")
        long expiresIn) {

    RegisterResponse(long expiresIn) {
        this("Verification code sent", expiresIn);
    }
}
