package uz.lms.registration.verification;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * Settings of verification-service; defaults live in {@code application.yml}.
 *
 * @param codeTtl              how long a code is valid
 * @param maxAttempts          wrong checks that burn a code
 * @param resendCooldown       minimum time between two codes for one user
 * @param maxCodesPerWindow    codes one user may be sent per {@code codesWindow}
 * @param codesWindow          the send quota's window
 * @param codeSecret           HMAC key for stored codes; required with the {@code prod} profile
 * @param topicPartitions      partitions of the topics this service creates
 * @param outboxSweepInterval  how often records left in the outbox (a failed publish) are retried
 * @param commandRetention     how long a processed command's reply is kept for redeliveries
 */
@Validated
@ConfigurationProperties("verification")
public record VerificationProperties(
        @NotNull Duration codeTtl,
        @Min(1) int maxAttempts,
        @NotNull Duration resendCooldown,
        @Min(1) int maxCodesPerWindow,
        @NotNull Duration codesWindow,
        String codeSecret,
        @Min(1) int topicPartitions,
        @NotNull Duration outboxSweepInterval,
        @NotNull Duration commandRetention) {
}
