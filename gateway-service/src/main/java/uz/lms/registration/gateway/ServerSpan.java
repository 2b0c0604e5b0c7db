package uz.lms.registration.gateway;

import io.micrometer.common.KeyValue;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.filter.ServerHttpObservationFilter;

/**
 * The span of the HTTP request this thread serves, which continues the caller's W3C {@code traceparent} if it sent
 * one (Spring MVC's observation): one person's requests are found by their {@code telegram_id}.
 */
public final class ServerSpan {

    private ServerSpan() {}

    /**
     * Tags the request's span with the account it concerns: a high-cardinality key value, so on the span only, never
     * on {@code http.server.requests}.
     */
    public static void tagTelegramId(long telegramId) {
        var request = ((ServletRequestAttributes) RequestContextHolder.currentRequestAttributes()).getRequest();
        ServerHttpObservationFilter.findObservationContext(request)
                .ifPresent(context ->
                        context.addHighCardinalityKeyValue(KeyValue.of("telegram_id", Long.toString(telegramId))));
    }
}
