package uz.lms.registration.gateway;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * @param replyTimeout how long a request waits for verification-service's reply before answering 503
 * @param apiKey       when set, every API request must carry it in {@code X-API-Key}; unset leaves the API open
 */
@Validated
@ConfigurationProperties("gateway")
public record GatewayProperties(
        @NotNull @DurationMin(millis = 1) Duration replyTimeout,
        // A blank key would look like protection while accepting an empty header: refuse to start instead.
        @Pattern(regexp = ".*\\S.*", message = "must not be blank when set") String apiKey) {

    public boolean apiKeyRequired() {
        return apiKey != null;
    }
}
