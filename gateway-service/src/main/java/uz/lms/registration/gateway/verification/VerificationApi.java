package uz.lms.registration.gateway.verification;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import tools.jackson.databind.JsonNode;
import uz.lms.registration.gateway.docs.ApiDocumentation;
import uz.lms.registration.gateway.fastapi.ApiEndpoint;
import uz.lms.registration.gateway.fastapi.Detail;

/** {@code POST /verify}, as clients see it and {@code /openapi.json} documents it. */
@Tag(name = "verification")
interface VerificationApi {

    @ApiEndpoint("verify")
    @PostMapping(
            path = "/verify",
            consumes = {MediaType.APPLICATION_JSON_VALUE, "application/*+json"})
    @Operation(
            summary = "Verify a user with the code the Telegram bot sent",
            description = "A code is valid for `verification.code-ttl` (60 s) and for one successful use; "
                    + "`verification.max-attempts` wrong checks burn it.",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content =
                                    @Content(
                                            mediaType = MediaType.APPLICATION_JSON_VALUE,
                                            schema = @Schema(implementation = VerifyRequest.class))))
    @ApiResponse(
            responseCode = "200",
            description = "Right code, in time, first use: the user is verified",
            content = @Content(schema = @Schema(implementation = VerifyResponse.class)))
    @ApiResponse(
            responseCode = "400",
            description = "Wrong, expired, replaced or used code, or an unknown "
                    + "`telegram_id` (one answer for all); or the user is verified already",
            content =
                    @Content(
                            schema = @Schema(implementation = Detail.class),
                            examples = {
                                @ExampleObject(
                                        name = "invalid or expired",
                                        value = "{\"detail\": \"Invalid or expired code\"}"),
                                @ExampleObject(
                                        name = "already verified",
                                        value = "{\"detail\": \"User is already verified\"}")
                            }))
    @ApiResponse(
            responseCode = "409",
            description = "Another user verified this phone number first",
            content =
                    @Content(
                            schema = @Schema(implementation = Detail.class),
                            examples = @ExampleObject(value = "{\"detail\": \"Phone number is already registered\"}")))
    @ApiResponse(
            responseCode = "429",
            description = "The code took `verification.max-attempts` wrong checks and is "
                    + "burned, or the account too many failed checks in a row: every later check gets this (register again "
                    + "for a new code). Or, with `Retry-After`: " + ApiDocumentation.THROTTLED_DESCRIPTION,
            headers =
                    @Header(
                            name = HttpHeaders.RETRY_AFTER,
                            description = "seconds to wait, when throttled",
                            schema = @Schema(type = "integer")),
            content =
                    @Content(
                            schema = @Schema(implementation = Detail.class),
                            examples = {
                                @ExampleObject(
                                        name = "attempts exhausted",
                                        value = "{\"detail\": \"Too many failed attempts, request a new code\"}"),
                                @ExampleObject(name = "throttled", value = ApiDocumentation.THROTTLED)
                            }))
    ResponseEntity<?> verify(@RequestBody(required = false) @Nullable JsonNode body);
}
