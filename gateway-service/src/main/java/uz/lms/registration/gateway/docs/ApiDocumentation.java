package uz.lms.registration.gateway.docs;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeIn;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import org.springdoc.core.filters.GlobalOpenApiMethodFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.AnnotatedElementUtils;
import uz.lms.registration.gateway.fastapi.ApiEndpoint;
import uz.lms.registration.gateway.fastapi.FastApi;

/**
 * The OpenAPI document's header, served at {@code /openapi.json} with Swagger UI at {@code /docs}
 * ({@link SwaggerUiPage}). The document has the {@link ApiEndpoint}s only.
 */
@Configuration(proxyBeanMethods = false)
@OpenAPIDefinition(
        info =
                @Info(
                        title = ApiDocumentation.TITLE,
                        version = "0.1.0",
                        description =
                                "Registers LMS users whose phone number came through the Telegram bot and verifies the "
                                        + "6-digit code the bot delivered. Every error body has a `detail`, as FastAPI's."))
@SecurityScheme(
        name = ApiDocumentation.API_KEY,
        type = SecuritySchemeType.APIKEY,
        in = SecuritySchemeIn.HEADER,
        paramName = "X-API-Key",
        description = "Required only when the gateway runs with `gateway.api-key` set")
public class ApiDocumentation {

    public static final String TITLE = "LMS registration gateway";
    public static final String API_KEY = "api-key";

    public static final String NOT_AUTHENTICATED = "{\"detail\": \"" + FastApi.NOT_AUTHENTICATED + "\"}";
    public static final String UNAVAILABLE = "{\"detail\": \"" + FastApi.UNAVAILABLE + "\"}";
    public static final String INVALID = "{\"detail\": [{\"type\": \"missing\", \"loc\": [\"body\", \"telegram_id\"], "
            + "\"msg\": \"Field required\", \"input\": {\"phone_number\": \"+998901234567\"}}]}";
    public static final String INVALID_DESCRIPTION = "FastAPI's validation shape: malformed JSON (`json_invalid`), "
            + "a body that is not a JSON object or not `application/json` (`model_attributes_type`), a missing field "
            + "(`missing`), a wrong type (`int_type`, `string_type`: no coercion), an out-of-range `telegram_id` "
            + "(`greater_than_equal`, `less_than_equal`), an unknown field (`extra_forbidden`) or an invalid value. "
            + "`input` echoes `telegram_id` and `phone_number` only; anything else shows as `[redacted]`.";
    public static final String TOO_LARGE = "{\"detail\": \"" + FastApi.TOO_LARGE + "\"}";
    public static final String TOO_LARGE_DESCRIPTION = "The body is over 64 KiB (a valid one is under 200 bytes)";
    public static final String UNAVAILABLE_DESCRIPTION = "verification-service did not answer within "
            + "`gateway.reply-timeout`, or `gateway.max-in-flight` requests were waiting for it already (load shed); "
            + "nothing was changed: retry after `Retry-After` seconds";
    public static final String THROTTLED = "{\"detail\": \"Too many requests, try again in 3 seconds\"}";
    public static final String THROTTLED_DESCRIPTION = "This client (its API key, else its address) or all clients "
            + "together went over `gateway.rate-limit`; retry after `Retry-After` seconds";
    public static final String RETRY_AFTER_DESCRIPTION = "seconds to wait";

    @Bean
    GlobalOpenApiMethodFilter apiEndpointsOnly() {
        return method -> AnnotatedElementUtils.hasAnnotation(method, ApiEndpoint.class);
    }
}
