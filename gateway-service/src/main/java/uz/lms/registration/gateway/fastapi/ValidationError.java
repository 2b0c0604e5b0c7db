package uz.lms.registration.gateway.fastapi;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One entry of a 422 body, as pydantic reports it through FastAPI.
 *
 * @param input the offending value; a value that could carry a verification code is never echoed
 */
public record ValidationError(
        @Schema(requiredMode = REQUIRED, example = "missing")
        String type,

        @Schema(
                requiredMode = REQUIRED,
                description = "where: \"body\", then a field name or a position in the body",
                example = "[\"body\", \"phone_number\"]")
        List<Object> loc,

        @Schema(requiredMode = REQUIRED, example = "Field required")
        String msg,

        @Schema(
                requiredMode = REQUIRED,
                description = "the offending value, any JSON value or null; \"[redacted]\" "
                        + "for anything but telegram_id and phone_number")
        @Nullable
        Object input,

        @Schema(description = "the rule's parameters, e.g. {\"ge\": 1}")
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Nullable
        Map<String, Object> ctx) {

    static ValidationError missingBody() {
        return new ValidationError("missing", List.of("body"), "Field required", null, null);
    }

    static ValidationError notAnObject() {
        return new ValidationError(
                "model_attributes_type",
                List.of("body"),
                "Input should be a valid dictionary or object to extract fields from",
                JsonBody.REDACTED,
                null);
    }

    /** Jackson's own message may quote the body, so only the position is reported. */
    static ValidationError jsonInvalid(long position) {
        return new ValidationError(
                "json_invalid",
                List.of("body", position),
                "JSON decode error",
                Map.of(),
                Map.of("error", "Invalid JSON"));
    }
}
