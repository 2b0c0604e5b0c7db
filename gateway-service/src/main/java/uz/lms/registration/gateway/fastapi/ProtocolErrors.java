package uz.lms.registration.gateway.fastapi;

import java.io.IOException;
import java.io.Writer;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Requests Tomcat refuses before any servlet sees them (an encoded slash, a bad header, an HTTP/2.0
 * request line, ...) get a {@code detail} body too, instead of Tomcat's HTML page, and never a 5xx:
 * a request the protocol layer cannot read is the client's error, 400.
 */
@Component
class ProtocolErrors implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> {

    @Override
    public void customize(ConfigurableTomcatWebServerFactory factory) {
        factory.addContextCustomizers(context ->
                ((StandardHost) context.getParent()).setErrorReportValveClass(JsonErrorReport.class.getName()));
    }

    /** Tomcat's error report, written as FastAPI's {@code {"detail": ...}} ({@link FastApi}). */
    public static class JsonErrorReport extends ErrorReportValve {

        @Override
        protected void report(Request request, Response response, @Nullable Throwable throwable) {
            int status = response.getStatus();
            if (status < 400 || response.isCommitted() || response.getContentWritten() > 0) {
                return;
            }
            if (status >= 500 && status != HttpStatus.SERVICE_UNAVAILABLE.value()) {
                status = HttpStatus.BAD_REQUEST.value();
                response.setStatus(status);
            }
            if (status == HttpStatus.SERVICE_UNAVAILABLE.value()) {
                response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(FastApi.UNAVAILABLE_RETRY_AFTER_SECONDS));
            }
            try {
                response.setContentType("application/json");
                response.setCharacterEncoding("UTF-8");
                Writer writer = response.getReporter();
                if (writer != null) {
                    writer.write(FastApi.json(FastApi.reasonPhrase(status)));
                    response.finishResponse();
                }
            } catch (IOException | IllegalStateException e) {
                // The client is gone or the response was taken over: nothing left to tell it.
            }
        }
    }
}
