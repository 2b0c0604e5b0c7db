package uz.lms.registration.service;

import io.micrometer.observation.ObservationPredicate;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.http.server.observation.ServerRequestObservationContext;

/**
 * What every service leaves out of its traces: requests to the actuator. Prometheus scrapes each instance every 15
 * s and the orchestrator probes its health every few: each would be a trace of its own, and a registration's trace
 * would be hard to find among them. Those requests are not timed in {@code http.server.requests} either.
 */
@AutoConfiguration
@ConditionalOnClass({ObservationPredicate.class, ServerRequestObservationContext.class, HttpServletRequest.class})
class TracingAutoConfiguration {

    static final String ACTUATOR = "/actuator";

    @Bean
    ObservationPredicate actuatorRequestsAreNotObserved() {
        return (name, context) -> !(context instanceof ServerRequestObservationContext request
                && request.getCarrier() != null
                && request.getCarrier().getRequestURI().startsWith(ACTUATOR));
    }
}
