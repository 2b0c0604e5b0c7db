package uz.lms.registration.gateway.verification;

import io.swagger.v3.oas.annotations.media.Schema;

/** The 200 body of {@code POST /verify}. */
record VerifyResponse(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "User successfully verified")
        String message) {

    static final VerifyResponse VERIFIED = new VerifyResponse("User successfully verified");
}
