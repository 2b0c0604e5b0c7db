package uz.lms.registration.gateway.verification;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import uz.lms.registration.contracts.AlreadyVerified;
import uz.lms.registration.contracts.Channel;
import uz.lms.registration.contracts.PhoneNumberTaken;
import uz.lms.registration.contracts.VerificationOutcome;
import uz.lms.registration.contracts.VerificationOutcome.AttemptsExhausted;
import uz.lms.registration.contracts.VerificationOutcome.InvalidOrExpiredCode;
import uz.lms.registration.contracts.VerificationOutcome.Verified;
import uz.lms.registration.contracts.VerificationReply;
import uz.lms.registration.contracts.VerifyCode;
import uz.lms.registration.gateway.api.ApiDocumentation;
import uz.lms.registration.gateway.api.Detail;
import uz.lms.registration.gateway.api.Outcomes;
import uz.lms.registration.gateway.api.ValidationFailure;
import uz.lms.registration.gateway.messaging.Requester;

import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

@RestController
@Tag(name = "verification")
@SecurityRequirement(name = ApiDocumentation.API_KEY)
class VerificationController {

    private static final Logger log = LoggerFactory.getLogger(VerificationController.class);

    private final Requester<VerifyCode, VerificationReply> verifications;
    private final Outcomes outcomes;
    private final Clock clock;

    VerificationController(Requester<VerifyCode, VerificationReply> verifications, Outcomes outcomes, Clock clock) {
        this.verifications = verifications;
        this.outcomes = outcomes;
        this.clock = clock;
    }

    @PostMapping(path = "/verify", consumes = {MediaType.APPLICATION_JSON_VALUE, "application/*+json"},
            produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Verify a user with the code the Telegram bot sent",
            description = "A code is valid for `verification.code-ttl` (60 s) and for one successful use; "
                    + "`verification.max-attempts` wrong checks burn it.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
                    mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = VerifyRequest.class))))
    @ApiResponse(responseCode = "200", description = "Right code, in time, first use: the user is verified",
            content = @Content(schema = @Schema(implementation = VerifyResponse.class)))
    @ApiResponse(responseCode = "400", description = "Wrong, expired, replaced or used code, or an unknown "
            + "`telegram_id` (one answer for all); or the user is verified already",
            content = @Content(schema = @Schema(implementation = Detail.class), examples = {
                    @ExampleObject(name = "invalid or expired", value = "{\"detail\": \"Invalid or expired code\"}"),
                    @ExampleObject(name = "already verified", value = "{\"detail\": \"User is already verified\"}")}))
    @ApiResponse(responseCode = "409", description = "Another user verified this phone number first",
            content = @Content(schema = @Schema(implementation = Detail.class), examples = @ExampleObject(
                    value = "{\"detail\": \"Phone number is already registered\"}")))
    @ApiResponse(responseCode = "429", description = "The code took `verification.max-attempts` wrong checks and is "
            + "burned; every later check of it gets this. Register again for a new code.",
            content = @Content(schema = @Schema(implementation = Detail.class), examples = @ExampleObject(
                    value = "{\"detail\": \"Too many failed attempts, request a new code\"}")))
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
    CompletableFuture<ResponseEntity<?>> verify(@RequestBody(required = false) JsonNode body) {
        VerifyRequest request = VerifyRequest.from(body);
        var command = new VerifyCode(UUID.randomUUID(), clock.instant(), request.telegramId(), request.verificationCode(),
                Channel.API);
        return verifications.request(request.telegramId(), command).handle((reply, failure) -> failure == null
                ? answer(request.telegramId(), reply.outcome())
                : unavailable(request.telegramId(), failure));
    }

    private ResponseEntity<?> answer(long telegramId, VerificationOutcome outcome) {
        return switch (outcome) {
            case Verified() -> {
                record(telegramId, "verified");
                yield ResponseEntity.ok(VerifyResponse.VERIFIED);
            }
            case InvalidOrExpiredCode() -> {
                record(telegramId, "invalid_or_expired_code");
                yield ResponseEntity.badRequest().body(new Detail("Invalid or expired code"));
            }
            case AlreadyVerified() -> {
                record(telegramId, "already_verified");
                yield ResponseEntity.badRequest().body(new Detail("User is already verified"));
            }
            case AttemptsExhausted() -> {
                record(telegramId, "attempts_exhausted");
                yield ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                        .body(new Detail("Too many failed attempts, request a new code"));
            }
            // A race: another user verified the same number while this user's code was live.
            case PhoneNumberTaken() -> {
                record(telegramId, "phone_number_taken");
                yield ResponseEntity.status(HttpStatus.CONFLICT).body(new Detail("Phone number is already registered"));
            }
        };
    }

    private ResponseEntity<?> unavailable(long telegramId, Throwable failure) {
        outcomes.record("verify", "unavailable");
        log.warn("verify telegram_id={} outcome=unavailable: no usable reply within {} ({})", telegramId,
                verifications.timeout(), Requester.reason(failure));
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(Detail.UNAVAILABLE);
    }

    private void record(long telegramId, String outcome) {
        outcomes.record("verify", outcome);
        log.info("verify telegram_id={} outcome={}", telegramId, outcome);
    }
}
