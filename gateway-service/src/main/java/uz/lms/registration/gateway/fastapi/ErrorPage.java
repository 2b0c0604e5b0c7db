package uz.lms.registration.gateway.fastapi;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the servlet container's own errors answer (a {@code TRACE}, a malformed chunked body, a body shorter
 * than its {@code Content-Length}, ...): FastAPI's {@code detail} shape instead of Spring Boot's, with the
 * container's 4xx and 503 for anything else, as no other 5xx may be answered. A direct request to
 * {@code /error} is a path like any other the gateway does not serve: 404. Replaces Boot's
 * {@code BasicErrorController}.
 */
@RestController
class ErrorPage implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(ErrorPage.class);

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<Detail> error(HttpServletRequest request) {
        Integer status = (Integer) request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        if (status == null) {
            return FastApi.status(HttpStatus.NOT_FOUND, HttpHeaders.EMPTY);
        }
        if (status < 400 || status > 499) {
            log.error(
                    "the container failed {} {} with {}, answering 503",
                    request.getMethod(),
                    request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI),
                    status,
                    request.getAttribute(RequestDispatcher.ERROR_EXCEPTION));
            return FastApi.unavailable();
        }
        return FastApi.status(HttpStatusCode.valueOf(status), HttpHeaders.EMPTY);
    }
}
