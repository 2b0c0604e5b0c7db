package uz.lms.registration.gateway.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.PathContainer;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ServletRequestPathUtils;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * FastAPI ignores {@code Accept}, and a FastAPI client must work unchanged: {@code POST /register} and
 * {@code POST /verify} answer JSON whatever the client accepts ({@code text/html}, {@code application/xml},
 * something unparsable), instead of an empty 406. Spring MVC is shown {@code Accept: application/json} for
 * exactly these two paths, matched as Spring MVC matches them ({@code /register;x=1} and {@code /regist%65r}
 * included); everything else (actuator, docs) negotiates as usual.
 */
@Component
class JsonWhateverAccepted extends OncePerRequestFilter {

    private static final List<PathPattern> API = List.of(
            PathPatternParser.defaultInstance.parse("/register"), PathPatternParser.defaultInstance.parse("/verify"));

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        PathContainer path = ServletRequestPathUtils.parse(request).pathWithinApplication();
        return API.stream().noneMatch(pattern -> pattern.matches(path));
    }

    /** The asynchronous answer is dispatched again: Spring MVC must see the same {@code Accept} then. */
    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        chain.doFilter(new AcceptsJson(request), response);
    }

    private static final class AcceptsJson extends HttpServletRequestWrapper {

        AcceptsJson(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getHeader(String name) {
            return HttpHeaders.ACCEPT.equalsIgnoreCase(name) ? MediaType.APPLICATION_JSON_VALUE : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return HttpHeaders.ACCEPT.equalsIgnoreCase(name)
                    ? Collections.enumeration(List.of(MediaType.APPLICATION_JSON_VALUE))
                    : super.getHeaders(name);
        }
    }
}
