package uz.lms.registration.gateway.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import uz.lms.registration.gateway.GatewayProperties;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * When {@code gateway.api-key} is set, {@code POST /register} and {@code POST /verify} require it in
 * {@code X-API-Key}. Checked before the body is read, as FastAPI resolves a security dependency first.
 */
@Component
class ApiKeyFilter extends OncePerRequestFilter {

    static final String HEADER = "X-API-Key";
    private static final byte[] NOT_AUTHENTICATED = "{\"detail\":\"Not authenticated\"}".getBytes(StandardCharsets.UTF_8);

    private final byte[] apiKey;
    private final Outcomes outcomes;

    ApiKeyFilter(GatewayProperties properties, Outcomes outcomes) {
        this.apiKey = properties.apiKeyRequired() ? properties.apiKey().getBytes(StandardCharsets.UTF_8) : null;
        this.outcomes = outcomes;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return apiKey == null || !HttpMethod.POST.matches(request.getMethod())
                || Outcomes.endpointOf(request.getRequestURI()) == null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String presented = request.getHeader(HEADER);
        // Constant-time comparison: response timing must not reveal how much of a guess was right.
        if (presented != null && MessageDigest.isEqual(apiKey, presented.getBytes(StandardCharsets.UTF_8))) {
            chain.doFilter(request, response);
            return;
        }
        outcomes.record(Outcomes.endpointOf(request.getRequestURI()), "unauthorized");
        response.setStatus(HttpStatus.UNAUTHORIZED.value());
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "APIKey");
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setContentLength(NOT_AUTHENTICATED.length);
        response.getOutputStream().write(NOT_AUTHENTICATED);
    }
}
