package uz.lms.registration.gateway.registration;

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
import uz.lms.registration.contracts.RegisterUser;
import uz.lms.registration.contracts.RegistrationOutcome;
import uz.lms.registration.contracts.RegistrationOutcome.CodeSent;
import uz.lms.registration.contracts.RegistrationOutcome.ShareNumberFirst;
import uz.lms.registration.contracts.RegistrationOutcome.TooManyRequests;
import uz.lms.registration.contracts.RegistrationReply;
import uz.lms.registration.gateway.GatewayProperties;
import uz.lms.registration.gateway.ServerSpan;
import uz.lms.registration.gateway.fastapi.FastApi;
import uz.lms.registration.gateway.fastapi.Outcomes;
import uz.lms.registration.gateway.protection.Throttle;

@RestController
class RegistrationController implements RegistrationApi {

    private static final String LANGUAGE = "uz";

    private final VerificationClient registrations;
    private final Outcomes outcomes;
    private final Throttle throttle;
    private final Clock clock;
    private final boolean vouched;

    RegistrationController(
            VerificationClient registrations,
            Outcomes outcomes,
            Throttle throttle,
            Clock clock,
            GatewayProperties properties) {
        this.registrations = registrations;
        this.outcomes = outcomes;
        this.throttle = throttle;
        this.clock = clock;
        // Callers ask for codes for numbers Telegram attested, unless the operator vouches for them here; only
        // verification-service's own verification.trust-caller-phone-numbers makes that vouching believed.
        this.vouched = properties.trustCallerPhoneNumbers();
    }

    @Override
    public ResponseEntity<?> register(@Nullable JsonNode body) {
        RegisterRequest request = RegisterRequest.from(body);
        ServerSpan.tagTelegramId(request.telegramId());
        var command = new RegisterUser(
                UUID.randomUUID(), clock.instant(), request.telegramId(), request.phoneNumber(), LANGUAGE, vouched);
        return throttle.perAccount(
                request.telegramId(),
                () -> outcomes.answer(
                        request.telegramId(),
                        () -> registrations.register(command).thenApply(RegistrationReply::outcome),
                        RegistrationController::answer));
    }

    /** The contract's table of {@code POST /register}: one answer per outcome. */
    private static ResponseEntity<?> answer(RegistrationOutcome outcome) {
        return switch (outcome) {
            case CodeSent(long expiresIn) -> FastApi.ok(new RegisterResponse(expiresIn));
            case AlreadyVerified() -> FastApi.detail(HttpStatus.CONFLICT, "User is already verified");
            case PhoneNumberTaken() -> FastApi.detail(HttpStatus.CONFLICT, "Phone number is already registered");
            case ShareNumberFirst() ->
                FastApi.detail(HttpStatus.CONFLICT, "Share this phone number with the bot first");
            case TooManyRequests(long retryAfter) -> FastApi.tooManyRequests(retryAfter);
        };
    }
}
