package uz.lms.registration.client;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How a service sends verification-service commands. A service that does enables these properties
 * ({@code @EnableConfigurationProperties}), and is given its {@link VerificationClient} and reply topics.
 *
 * @param requester       the requesting service, whose name prefixes its reply topics
 * @param commandTopics   the requesting service's own command topics: {@code gateway} or {@code chat}
 * @param replyTimeout    how long a request waits for its reply
 * @param replyPartitions partitions of the reply topics
 */
@Validated
@ConfigurationProperties("verification-client")
public record VerificationClientProperties(
        @NotBlank String requester,
        @NotNull CommandTopics commandTopics,
        @NotNull @DurationMin(millis = 1) Duration replyTimeout,
        @Min(1) int replyPartitions) {}
