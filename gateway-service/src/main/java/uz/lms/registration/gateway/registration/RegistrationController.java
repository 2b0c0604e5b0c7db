package uz.lms.registration.gateway.registration;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import uz.lms.registration.contracts.AlreadyVerified;
import uz.lms.registration.contracts.PhoneNumberTaken;
import uz.lms.registration.contracts.RegisterUser;
import uz.lms.registration.contracts.RegistrationOutcome;
import uz.lms.registration.contracts.RegistrationOutcome.CodeSent;
import uz.lms.registration.contracts.RegistrationOutcome.ShareNumberFirst;
import uz.lms.registration.contracts.RegistrationOutcome.TooManyRequests;
import uz.lms.registration.contracts.RegistrationReply;
import uz.lms.registration.gateway.api.ApiDocumentation;
import uz.lms.registration.gateway.api.Detail;
import uz.lms.registration.gateway.api.Outcomes;
import uz.lms.registration.gateway.api.ValidationFailure;
import uz.lms.registration.gateway.messaging.Requester;

import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

@RestController
@Tag(name = "registration")
@SecurityRequirement(name = ApiDocumentation.API_KEY)
class RegistrationController {

    private static final Logger log = LoggerFactory.getLogger(RegistrationController.class);
    private static final String LANGUAGE = "uz";

    private final Requester<RegisterUser, RegistrationReply> registrations;
    private final Outcomes outcomes;
    private final Clock clock;

    RegistrationController(Requester<RegisterUser, RegistrationReply> registrations, Outcomes outcomes, Clock clock) {
        this.registrations = registrations;
        this.outcomes = outcomes;
        this.clock = clock;
    }

    @PostMapping(path = "/register", consumes = {MediaType.APPLICATION_JSON_VALUE, "application/*+json"},
            produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Register a user and send a new verification code through Telegram",
            description = "Creates the user, or refreshes an unverified one, and issues a new 6-digit code. "
                    + "The code reaches the user only through the Telegram bot, never in this response.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
                    mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = RegisterRequest.class))))
    @ApiResponse(responseCode = "200", description = "Code issued; `expires_in` is the code's lifetime in seconds",
            content = @Content(schema = @Schema(implementation = RegisterResponse.class)))
    @ApiResponse(responseCode = "409", description = "The user is verified, or another verified user has this number",
            content = @Content(schema = @Schema(implementation = Detail.class), examples = {
                    @ExampleObject(name = "already verified", value = "{\"detail\": \"User is already verified\"}"),
                    @ExampleObject(name = "number taken", value = "{\"detail\": \"Phone number is already registered\"}")}))
    @ApiResponse(responseCode = "429", description = "Resend cooldown or send quota; retry after `Retry-After` seconds",
            headers = @Header(name = HttpHeaders.RETRY_AFTER, description = "seconds to wait",
                    schema = @Schema(type = "integer")),
            content = @Content(schema = @Schema(implementation = Detail.class), examples = @ExampleObject(
                    value = "{\"detail\": \"Too many requests, try again in 25 seconds\"}")))
    @ApiResponse(responseCode = "401", description = "`gateway.api-key` is set and `X-API-Key` does not match",
            content = @Content(schema = @Schema(implementation = Detail.class),
                    examples = @ExampleObject(value = ApiDocumentation.NOT_AUTHENTICATED)))
    @ApiResponse(responseCode = "422", description = ApiDocumentation.INVALID_DESCRIPTION,
            content = @Content(schema = @Schema(implementation = ValidationFailure.class),
                    examples = @ExampleObject(value = ApiDocumentation.INVALID)))
    @ApiResponse(responseCode = "413", description = ApiDocumentation.TOO_LARGE_DESCRIPTION,
            content = @Content(schema = @Schema(implementation = Detail.class),
                    examples = @ExampleObject(value = ApiDocumentation.TOO_LARGE)))
    @ApiResponse(responseCode = "503", description = ApiDocumentation.UNAVAILABLE_DESCRIPTION,
            content = @Content(schema = @Schema(implementation = Detail.class),
                    examples = @ExampleObject(value = ApiDocumentation.UNAVAILABLE)))
    CompletableFuture<ResponseEntity<?>> register(@RequestBody(required = false) JsonNode body) {
        RegisterRequest request = RegisterRequest.from(body);
        var command = new RegisterUser(UUID.randomUUID(), clock.instant(), request.telegramId(),
                request.phoneNumber(), LANGUAGE, RegisterUser.Source.CALLER);
        return registrations.request(request.telegramId(), command).handle((reply, failure) -> failure == null
                ? answer(request.telegramId(), reply.outcome())
                : unavailable(request.telegramId(), failure));
    }

    private ResponseEntity<?> answer(long telegramId, RegistrationOutcome outcome) {
        return switch (outcome) {
            case CodeSent(long expiresIn) -> {
                record(telegramId, "code_sent");
                yield ResponseEntity.ok(new RegisterResponse(expiresIn));
            }
            case AlreadyVerified() -> {
                record(telegramId, "already_verified");
                yield ResponseEntity.status(HttpStatus.CONFLICT).body(new Detail("User is already verified"));
            }
            case PhoneNumberTaken() -> {
                record(telegramId, "phone_number_taken");
                yield ResponseEntity.status(HttpStatus.CONFLICT).body(new Detail("Phone number is already registered"));
            }
            case ShareNumberFirst() -> {
                record(telegramId, "share_phone_number_first");
                yield ResponseEntity.status(HttpStatus.CONFLICT)
                        .body(new Detail("Share this phone number with the bot first"));
            }
            case TooManyRequests(long retryAfter) -> {
                record(telegramId, "too_many_requests");
                long seconds = Math.max(1, retryAfter);
                yield ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                        .header(HttpHeaders.RETRY_AFTER, Long.toString(seconds))
                        .body(new Detail("Too many requests, try again in " + seconds + " seconds"));
            }
        };
    }

    private ResponseEntity<?> unavailable(long telegramId, Throwable failure) {
        outcomes.record("register", "unavailable");
        log.warn("register telegram_id={} outcome=unavailable: no usable reply within {} ({})", telegramId,
                registrations.timeout(), Requester.reason(failure));
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(Detail.UNAVAILABLE);
    }

    private void record(long telegramId, String outcome) {
        outcomes.record("register", outcome);
        log.info("register telegram_id={} outcome={}", telegramId, outcome);
    }
}
