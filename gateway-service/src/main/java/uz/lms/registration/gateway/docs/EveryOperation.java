package uz.lms.registration.gateway.docs;

import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import org.springdoc.core.customizers.GlobalOperationComponentsCustomizer;
import org.springdoc.core.properties.SpringDocConfigProperties;
import org.springdoc.core.utils.SpringDocAnnotationsUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;
import uz.lms.registration.gateway.fastapi.Detail;
import uz.lms.registration.gateway.fastapi.FastApi;
import uz.lms.registration.gateway.fastapi.ValidationFailure;

/**
 * What every operation of the document shares, whatever its endpoint does: the API key it requires when one is
 * set, and the answers below. These are read by springdoc's own reader of such annotations and added after the
 * endpoint's own, so they come out as if each endpoint declared them last. The document has
 * {@link uz.lms.registration.gateway.fastapi.ApiEndpoint}s only ({@link ApiDocumentation}).
 */
@Component
@ApiResponse(
        responseCode = "401",
        description = "`gateway.api-key` is set and `X-API-Key` matches none of its keys",
        content =
                @Content(
                        schema = @Schema(implementation = Detail.class),
                        examples = @ExampleObject(value = "{\"detail\": \"" + FastApi.NOT_AUTHENTICATED + "\"}")))
@ApiResponse(
        responseCode = "422",
        description = "FastAPI's validation shape: malformed JSON (`json_invalid`), a body that is not a JSON object "
                + "or not `application/json` (`model_attributes_type`), a missing field (`missing`), a wrong type "
                + "(`int_type`, `string_type`: no coercion), an out-of-range `telegram_id` (`greater_than_equal`, "
                + "`less_than_equal`), an unknown field (`extra_forbidden`) or an invalid value. `input` echoes "
                + "`telegram_id` and `phone_number` only; anything else shows as `[redacted]`.",
        content =
                @Content(
                        schema = @Schema(implementation = ValidationFailure.class),
                        examples =
                                @ExampleObject(
                                        value = "{\"detail\": [{\"type\": \"missing\", \"loc\": [\"body\", "
                                                + "\"telegram_id\"], \"msg\": \"Field required\", \"input\": "
                                                + "{\"phone_number\": \"+998901234567\"}}]}")))
@ApiResponse(
        responseCode = "413",
        description = "The body is over 64 KiB (a valid one is under 200 bytes)",
        content =
                @Content(
                        schema = @Schema(implementation = Detail.class),
                        examples = @ExampleObject(value = "{\"detail\": \"" + FastApi.TOO_LARGE + "\"}")))
@ApiResponse(
        responseCode = "503",
        description = "verification-service did not answer within `gateway.reply-timeout`, or "
                + "`gateway.max-in-flight` requests were waiting for it already (load shed); nothing was changed: "
                + "retry after `Retry-After` seconds",
        headers =
                @Header(
                        name = HttpHeaders.RETRY_AFTER,
                        description = ApiDocumentation.RETRY_AFTER_DESCRIPTION,
                        schema = @Schema(type = "integer")),
        content =
                @Content(
                        schema = @Schema(implementation = Detail.class),
                        examples = @ExampleObject(value = "{\"detail\": \"" + FastApi.UNAVAILABLE + "\"}")))
class EveryOperation implements GlobalOperationComponentsCustomizer {

    private static final ApiResponse[] SHARED = EveryOperation.class.getAnnotationsByType(ApiResponse.class);
    // The endpoints produce nothing else: FastAPI answers JSON whatever the client accepts.
    private static final String[] PRODUCES = {MediaType.APPLICATION_JSON_VALUE};

    private final boolean openapi31;

    EveryOperation(SpringDocConfigProperties properties) {
        this.openapi31 = properties.isOpenapi31();
    }

    /** Not called: springdoc calls the one with the components, which the answers' schemas are added to. */
    @Override
    public Operation customize(Operation operation, HandlerMethod handler) {
        return operation;
    }

    @Override
    public Operation customize(Operation operation, Components components, HandlerMethod handler) {
        for (ApiResponse shared : SHARED) {
            var response = new io.swagger.v3.oas.models.responses.ApiResponse().description(shared.description());
            SpringDocAnnotationsUtils.getContent(
                            shared.content(), new String[0], PRODUCES, null, components, null, openapi31)
                    .ifPresent(response::content);
            SpringDocAnnotationsUtils.getHeaders(shared.headers(), components, null, openapi31)
                    .ifPresent(response::headers);
            operation.getResponses().addApiResponse(shared.responseCode(), response);
        }
        return operation.addSecurityItem(new SecurityRequirement().addList(ApiDocumentation.API_KEY));
    }
}
