package uz.lms.registration.telegram.bot;

import io.micrometer.core.instrument.binder.okhttp3.DefaultOkHttpObservationConvention;
import io.micrometer.core.instrument.binder.okhttp3.OkHttpContext;
import io.micrometer.core.instrument.binder.okhttp3.OkHttpObservationInterceptor;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;
import java.util.Map;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;

/**
 * Each Bot API call as a client span (and an {@code okhttp.requests} timer) whose request carries the caller's
 * {@code traceparent}. The URL is {@code {root}/bot<token>/<method>}: the span is named by the method alone and
 * the {@code uri} tag is a template, so neither a span nor a metric ever holds the token.
 */
final class BotApiObservation {

    static final String METRIC = "okhttp.requests";

    /** The library sends method names in lower case; a span reads as the Bot API documents the method. */
    private static final Map<String, String> DOCUMENTED_NAMES = Map.of(SendMessage.PATH, "sendMessage");

    private BotApiObservation() {}

    static OkHttpObservationInterceptor interceptor(ObservationRegistry observations) {
        return OkHttpObservationInterceptor.builder(observations, METRIC)
                .uriMapper(request -> "/bot{token}/" + method(request))
                // target.host says the same without the legacy tag
                .includeHostTag(false)
                .observationConvention(new DefaultOkHttpObservationConvention(METRIC) {
                    @Override
                    public String getContextualName(OkHttpContext context) {
                        return method(context.getOriginalRequest());
                    }
                })
                .build();
    }

    private static String method(@Nullable Request request) {
        if (request == null) {
            return "unknown";
        }
        List<String> path = request.url().pathSegments();
        String method = path.getLast();
        return DOCUMENTED_NAMES.getOrDefault(method, method);
    }
}
