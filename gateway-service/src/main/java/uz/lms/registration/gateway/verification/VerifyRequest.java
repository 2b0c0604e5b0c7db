package uz.lms.registration.gateway.verification;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import uz.lms.registration.gateway.fastapi.JsonBody;

/** The body of {@code POST /verify}, validated. */
@Schema(name = "VerifyRequest")
record VerifyRequest(
        @Schema(
                name = "telegram_id",
                requiredMode = Schema.RequiredMode.REQUIRED,
                format = "int64",
                minimum = "1",
                maximum = "9223372036854775807",
                example = "123456789")
        long telegramId,

        @Schema(
                name = "verification_code",
                requiredMode = Schema.RequiredMode.REQUIRED,
                pattern = CODE_PATTERN,
                example = "348291",
                description = "The 6 digits the Telegram bot sent, as a JSON string")
        String verificationCode) {

    static final String CODE_PATTERN = "^[0-9]{6}$";
    private static final Pattern CODE = Pattern.compile(CODE_PATTERN);

    static VerifyRequest from(@Nullable JsonNode body) {
        // The code is never echoed back, whatever it looks like: only telegram_id is.
        JsonBody json = JsonBody.of(body, "telegram_id");
        long telegramId = json.positiveLong("telegram_id");
        String code = json.string("verification_code");
        if (code != null && !CODE.matcher(code).matches()) {
            json.reject(
                    "verification_code",
                    "string_pattern_mismatch",
                    "String should match pattern '" + CODE_PATTERN + "'",
                    Map.of("pattern", CODE_PATTERN));
        }
        json.validate();
        return new VerifyRequest(telegramId, code);
    }

    @Override
    public String toString() {
        return "VerifyRequest[telegram_id=" + telegramId + "]";
    }
}
