package uz.lms.registration.gateway.protection;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import uz.lms.registration.gateway.fastapi.ApiEndpoint;
import uz.lms.registration.gateway.fastapi.FastApi;
import uz.lms.registration.gateway.fastapi.Outcomes;

/**
 * While {@code gateway.max-in-flight} requests are waiting for verification-service, a further request to an
 * {@link ApiEndpoint} gets 503 before its body is read: under overload the excess is answered at the least cost,
 * so that the gateway keeps up with it instead of queueing it. After {@link ApiKeyCheck} and {@link Throttle}, so
 * that a request without the key still gets 401 and a flooding client 429. {@link Outcomes} still takes the
 * request's place among those in flight once the body is read, and sheds it then if another took the last.
 */
@Component
class LoadShedding implements HandlerInterceptor, WebMvcConfigurer {

    /** After {@link Throttle}. */
    private static final int ORDER = 2;

    private final Outcomes outcomes;

    LoadShedding(Outcomes outcomes) {
        this.outcomes = outcomes;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this).order(ORDER);
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws IOException {
        if (!outcomes.saturated()) {
            return true;
        }
        String endpoint = Outcomes.endpoint(handler);
        if (endpoint == null) {
            return true;
        }
        FastApi.write(response, outcomes.shed(endpoint));
        return false;
    }
}
