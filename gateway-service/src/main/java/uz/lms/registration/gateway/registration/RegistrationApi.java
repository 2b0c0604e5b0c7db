package uz.lms.registration.gateway.registration;

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

/** {@code POST /register}, as clients see it and {@code /openapi.json} documents it. */
@Tag(name = "registration")
interface RegistrationApi {

    @ApiEndpoint("register")
    @PostMapping(
            path = "/register",
            consumes = {MediaType.APPLICATION_JSON_VALUE, "application/*+json"})
    @Operation(
            summary = "Send a new verification code through Telegram",
            description = "Issues a new 6-digit code for a user whose number the bot received from Telegram, when "
                    + "`phone_number` is that number; with `gateway.trust-caller-phone-numbers` (and "
                    + "`verification.trust-caller-phone-numbers` on verification-service) it may also create the "
                    + "user or set the number. The code reaches the user only through the Telegram bot, never in this "
                    + "response.",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content =
                                    @Content(
                                            mediaType = MediaType.APPLICATION_JSON_VALUE,
                                            schema = @Schema(implementation = RegisterRequest.class))))
    @ApiResponse(
            responseCode = "200",
            description = "Code issued; `expires_in` is the code's lifetime in seconds",
            content = @Content(schema = @Schema(implementation = RegisterResponse.class)))
    @ApiResponse(
            responseCode = "409",
            description = "Telegram did not attest this number for this user (callers not "
                    + "trusted), the user is verified, or another verified user has this number",
            content =
                    @Content(
                            schema = @Schema(implementation = Detail.class),
                            examples = {
                                @ExampleObject(
                                        name = "share first",
                                        value = "{\"detail\": \"Share this phone number with the bot first\"}"),
                                @ExampleObject(
                                        name = "already verified",
                                        value = "{\"detail\": \"User is already verified\"}"),
                                @ExampleObject(
                                        name = "number taken",
                                        value = "{\"detail\": \"Phone number is already registered\"}")
                            }))
    @ApiResponse(
            responseCode = "429",
            description = "Resend cooldown or send quota; or " + ApiDocumentation.THROTTLED_DESCRIPTION,
            headers =
                    @Header(
                            name = HttpHeaders.RETRY_AFTER,
                            description = ApiDocumentation.RETRY_AFTER_DESCRIPTION,
                            schema = @Schema(type = "integer")),
            content =
                    @Content(
                            schema = @Schema(implementation = Detail.class),
                            examples =
                                    @ExampleObject(
                                            value = "{\"detail\": \"Too many requests, try again in 25 seconds\"}")))
    ResponseEntity<?> register(@RequestBody(required = false) @Nullable JsonNode body);
}
