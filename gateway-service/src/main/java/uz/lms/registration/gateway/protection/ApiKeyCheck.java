package uz.lms.registration.gateway.protection;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import uz.lms.registration.gateway.GatewayProperties;
import uz.lms.registration.gateway.fastapi.ApiEndpoint;
import uz.lms.registration.gateway.fastapi.FastApi;
import uz.lms.registration.gateway.fastapi.Outcomes;

/**
 * When {@code gateway.api-key} is set, every {@link ApiEndpoint} requires it in {@code X-API-Key}.
 * Checked on the handler Spring MVC picked, not on the raw path (which {@code /register;x} or
 * {@code /regist%65r} would dodge), and before the body is read, as FastAPI resolves a security
 * dependency first. Docs, actuator and error pages stay open.
 */
@Component
class ApiKeyCheck implements HandlerInterceptor, WebMvcConfigurer {

    static final String HEADER = "X-API-Key";

    private static final Logger log = LoggerFactory.getLogger(ApiKeyCheck.class);

    private final byte @Nullable [] apiKey;
    private final Outcomes outcomes;

    ApiKeyCheck(GatewayProperties properties, Outcomes outcomes) {
        this.apiKey = properties.apiKeyRequired() ? properties.apiKey().getBytes(StandardCharsets.UTF_8) : null;
        this.outcomes = outcomes;
        if (apiKey == null) {
            log.warn(
                    "gateway.api-key is not set: POST /register and POST /verify are open to anyone who can reach them");
        }
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        if (apiKey != null) {
            registry.addInterceptor(this);
        }
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws IOException {
        if (!(handler instanceof HandlerMethod method) || !method.hasMethodAnnotation(ApiEndpoint.class)) {
            return true;
        }
        String presented = request.getHeader(HEADER);
        // Constant-time comparison: response timing must not reveal how much of a guess was right.
        if (presented != null && MessageDigest.isEqual(apiKey, presented.getBytes(StandardCharsets.UTF_8))) {
            return true;
        }
        outcomes.record(handler, "unauthorized");
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "APIKey");
        FastApi.write(response, HttpStatus.UNAUTHORIZED, FastApi.NOT_AUTHENTICATED);
        return false;
    }
}
