package uz.lms.registration.gateway.fastapi;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every answer of the gateway's API is rendered here, as FastAPI gives it: errors as {@code {"detail": "..."}}
 * ({@code HTTPException}) or {@code {"detail": [...]}} ({@code RequestValidationError}), and always JSON, whatever
 * the client accepts, since FastAPI ignores {@code Accept}: a content type set on an answer is not negotiated.
 * Spring MVC's handlers return the answers built here; the filter, the interceptor and Tomcat's error report,
 * which answer outside Spring MVC, write the same bytes.
 */
public final class FastApi {

    public static final String NOT_AUTHENTICATED = "Not authenticated";
    public static final String TOO_LARGE = "Request body too large";
    public static final String UNAVAILABLE = "Service temporarily unavailable";
    /** The default reply timeout: by then every request verification-service was behind on has had its answer. */
    static final long UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

    private static final JsonMapper JSON = JsonMapper.shared();

    private FastApi() {}

    public static <T> ResponseEntity<T> ok(T body) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body);
    }

    public static ResponseEntity<Detail> detail(HttpStatusCode status, String detail) {
        return detail(status, HttpHeaders.EMPTY, detail);
    }

    /** 429 with when to retry, in the body and in {@code Retry-After}: never sooner than in a second. */
    public static ResponseEntity<Detail> tooManyRequests(long retryAfterSeconds) {
        long seconds = Math.max(1, retryAfterSeconds);
        return detail(
                HttpStatus.TOO_MANY_REQUESTS,
                retryAfter(seconds),
                "Too many requests, try again in " + seconds + " seconds");
    }

    /**
     * The answer to anything unexpected, to no reply in time and to load shed: no 5xx but 503 is ever given, and
     * always with when to retry.
     */
    public static ResponseEntity<Detail> unavailable() {
        return detail(HttpStatus.SERVICE_UNAVAILABLE, retryAfter(UNAVAILABLE_RETRY_AFTER_SECONDS), UNAVAILABLE);
    }

    /** A status the framework or the container chose (404, 405, ...), with its reason phrase as the detail. */
    static ResponseEntity<Detail> status(HttpStatusCode status, HttpHeaders headers) {
        return detail(status, headers, reasonPhrase(status.value()));
    }

    static ResponseEntity<ValidationFailure> invalid(List<ValidationError> errors) {
        return ResponseEntity.status(HttpStatus.UNPROCESSABLE_CONTENT)
                .contentType(MediaType.APPLICATION_JSON)
                .body(new ValidationFailure(errors));
    }

    /** Answers a request that never reaches Spring MVC's handlers. */
    public static void write(HttpServletResponse response, HttpStatus status, String detail) throws IOException {
        write(response, detail(status, HttpHeaders.EMPTY, detail));
    }

    /** Answers a request that never reaches Spring MVC's handlers with an answer built here. */
    public static void write(HttpServletResponse response, ResponseEntity<Detail> answer) throws IOException {
        byte[] body = JSON.writeValueAsBytes(answer.getBody());
        response.setStatus(answer.getStatusCode().value());
        answer.getHeaders().forEach((name, values) -> values.forEach(value -> response.addHeader(name, value)));
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** The body {@link #write} writes, for a writer that is not a servlet response's own. */
    static String json(String detail) {
        return JSON.writeValueAsString(new Detail(detail));
    }

    static String reasonPhrase(int status) {
        HttpStatus known = HttpStatus.resolve(status);
        return known != null ? known.getReasonPhrase() : "Client error";
    }

    private static HttpHeaders retryAfter(long seconds) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        return headers;
    }

    private static ResponseEntity<Detail> detail(HttpStatusCode status, HttpHeaders headers, String detail) {
        return ResponseEntity.status(status)
                .headers(headers)
                .contentType(MediaType.APPLICATION_JSON)
                .body(new Detail(detail));
    }
}
