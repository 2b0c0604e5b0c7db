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

    static final String TITLE = "LMS registration gateway";
    static final String API_KEY = "api-key";

    public static final String THROTTLED = "{\"detail\": \"Too many requests, try again in 3 seconds\"}";
    public static final String THROTTLED_DESCRIPTION = "This client (its API key, else its address) or all clients "
            + "together went over `gateway.rate-limit`, this `telegram_id` over its own share of an API key's, or this "
            + "address sent too many wrong API keys; retry after `Retry-After` seconds";
    public static final String RETRY_AFTER_DESCRIPTION = "seconds to wait";

    @Bean
    GlobalOpenApiMethodFilter apiEndpointsOnly() {
        return method -> AnnotatedElementUtils.hasAnnotation(method, ApiEndpoint.class);
    }
}
