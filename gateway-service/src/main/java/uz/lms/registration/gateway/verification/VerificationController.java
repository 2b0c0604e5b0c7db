package uz.lms.registration.gateway.verification;

import java.time.Clock;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import uz.lms.registration.client.VerificationClient;
import uz.lms.registration.contracts.AlreadyVerified;
import uz.lms.registration.contracts.PhoneNumberTaken;
import uz.lms.registration.contracts.VerificationOutcome;
import uz.lms.registration.contracts.VerificationOutcome.AttemptsExhausted;
import uz.lms.registration.contracts.VerificationOutcome.InvalidOrExpiredCode;
import uz.lms.registration.contracts.VerificationOutcome.Verified;
import uz.lms.registration.contracts.VerificationReply;
import uz.lms.registration.contracts.VerifyCode;
import uz.lms.registration.gateway.ServerSpan;
import uz.lms.registration.gateway.fastapi.FastApi;
import uz.lms.registration.gateway.fastapi.Outcomes;
import uz.lms.registration.gateway.protection.Throttle;

@RestController
class VerificationController implements VerificationApi {

    private final VerificationClient verifications;
    private final Outcomes outcomes;
    private final Throttle throttle;
    private final Clock clock;

    VerificationController(VerificationClient verifications, Outcomes outcomes, Throttle throttle, Clock clock) {
        this.verifications = verifications;
        this.outcomes = outcomes;
        this.throttle = throttle;
        this.clock = clock;
    }

    @Override
    public ResponseEntity<?> verify(@Nullable JsonNode body) {
        VerifyRequest request = VerifyRequest.from(body);
        ServerSpan.tagTelegramId(request.telegramId());
        var command =
                new VerifyCode(UUID.randomUUID(), clock.instant(), request.telegramId(), request.verificationCode());
        return throttle.perAccount(
                request.telegramId(),
                () -> outcomes.answer(
                        request.telegramId(),
                        () -> verifications.verify(command).thenApply(VerificationReply::outcome),
                        VerificationController::answer));
    }

    /** The contract's table of {@code POST /verify}: one answer per outcome. */
    private static ResponseEntity<?> answer(VerificationOutcome outcome) {
        return switch (outcome) {
            case Verified() -> FastApi.ok(VerifyResponse.VERIFIED);
            case InvalidOrExpiredCode() -> FastApi.detail(HttpStatus.BAD_REQUEST, "Invalid or expired code");
            case AlreadyVerified() -> FastApi.detail(HttpStatus.BAD_REQUEST, "User is already verified");
            case AttemptsExhausted() ->
                FastApi.detail(HttpStatus.TOO_MANY_REQUESTS, "Too many failed attempts, request a new code");
            // A race: another user verified the same number while this user's code was live.
            case PhoneNumberTaken() -> FastApi.detail(HttpStatus.CONFLICT, "Phone number is already registered");
        };
    }
}
