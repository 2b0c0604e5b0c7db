package uz.lms.registration.gateway;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * @param replyTimeout             how long a request waits for verification-service's reply before answering 503
 * @param apiKey                   when set, every API request must carry it in {@code X-API-Key}; unset or empty
 *                                 ({@code GATEWAY_API_KEY=}, as compose.yaml passes it by default) leaves the API open
 * @param trustCallerPhoneNumbers  the operator's own front end vouches for the numbers it sends, so
 *                                 {@code POST /register} may create a user or set a number; needs {@link #apiKey}
 * @param topicPartitions          partitions of the topics this service creates, its reply topics
 */
@Validated
@ConfigurationProperties("gateway")
public record GatewayProperties(@NotNull @DurationMin(millis = 1) Duration replyTimeout, String apiKey,
                                boolean trustCallerPhoneNumbers, @Min(1) int topicPartitions) {

    public boolean apiKeyRequired() {
        return apiKey != null && !apiKey.isBlank();
    }
}
