package uz.lms.registration.gateway.fastapi;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;

/**
 * Turns every failure into a FastAPI-shaped body ({@link FastApi}): 422 for anything wrong with a request
 * body, the framework's own 4xx (404, 405, ...) with {@code detail} set to the status phrase, and 503 for
 * everything unexpected, so that no input produces any other 5xx.
 */
@RestControllerAdvice
class ApiExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    private final Outcomes outcomes;

    ApiExceptionHandler(Outcomes outcomes) {
        this.outcomes = outcomes;
    }

    @ExceptionHandler
    ResponseEntity<ValidationFailure> invalid(InvalidRequest exception, HttpServletRequest request) {
        return unprocessable(exception.errors(), request);
    }

    @ExceptionHandler
    ResponseEntity<?> unreadable(HttpMessageNotReadableException exception, HttpServletRequest request) {
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            if (cause instanceof BodyTooLarge) {
                return FastApi.detail(HttpStatus.CONTENT_TOO_LARGE, FastApi.TOO_LARGE);
            }
        }
        return unprocessable(List.of(ValidationError.jsonInvalid(position(exception))), request);
    }

    /** FastAPI does not answer 415: a body that is not JSON is a body that is not an object. */
    @ExceptionHandler
    ResponseEntity<ValidationFailure> notJson(
            HttpMediaTypeNotSupportedException exception, HttpServletRequest request) {
        return unprocessable(List.of(ValidationError.notAnObject()), request);
    }

    /**
     * The client of an actuator endpoint accepts nothing it serves, so not even a {@code detail} can be sent.
     * The API's own endpoints never get here: they answer JSON whatever is accepted ({@link FastApi}).
     */
    @ExceptionHandler
    ResponseEntity<Void> notAcceptable(HttpMediaTypeNotAcceptableException exception) {
        return ResponseEntity.status(exception.getStatusCode()).build();
    }

    /** The framework's own 4xx (404, 405, ...) keep their status; anything else is unexpected. */
    @ExceptionHandler
    ResponseEntity<Detail> other(Exception exception) {
        if (exception instanceof ErrorResponse error && error.getStatusCode().is4xxClientError()) {
            return FastApi.status(error.getStatusCode(), error.getHeaders());
        }
        log.error("request failed unexpectedly, answering 503", exception);
        return FastApi.unavailable();
    }

    private ResponseEntity<ValidationFailure> unprocessable(List<ValidationError> errors, HttpServletRequest request) {
        outcomes.record(request, "invalid_request");
        return FastApi.invalid(errors);
    }

    private static long position(HttpMessageNotReadableException exception) {
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            if (cause instanceof JacksonException jackson && jackson.getLocation() != null) {
                TokenStreamLocation location = jackson.getLocation();
                return Math.max(0, location.getCharOffset() >= 0 ? location.getCharOffset() : location.getByteOffset());
            }
        }
        return 0;
    }
}
