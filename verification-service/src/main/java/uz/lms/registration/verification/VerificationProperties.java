package uz.lms.registration.verification;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.Set;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of verification-service; defaults live in {@code application.yml}. Every limit is
 * bounded, so that no configuration allows unlimited guesses or codes: the service refuses to start
 * with a value out of range.
 *
 * @param codeTtl              how long a code is valid
 * @param maxAttempts          wrong checks that burn a code, counted apart for the chat and for HTTP
 * @param resendCooldown       minimum time between two codes for one user, counted apart for codes
 *                             the bot asks for and codes callers ask for
 * @param maxCodesPerWindow    codes one user may be sent per {@code codesWindow}, counted apart likewise
 * @param codesWindow          the send quota's window
 * @param maxFailures          failed HTTP checks in a row, across codes, that stop HTTP checks of the
 *                             account; NIST SP 800-63B §5.2.2 allows at most 100
 * @param failureLockout       how long HTTP checks stay stopped after the last of {@code maxFailures}
 * @param trustCallerPhoneNumbers numbers that arrive on {@code registration.requests}, the gateway's topic, are
 *                             believed when the gateway vouches for them ({@code gateway.trust-caller-phone-numbers}):
 *                             such a registration may create the user or set an unverified user's number, as in the
 *                             specification's original flow. Off, only a contact shared with the bot binds a number
 * @param codeSecret           HMAC key for stored codes; required with the {@code prod} profile
 * @param topicPartitions      partitions of the topics this service creates
 * @param outboxSweepInterval  how often records left in the outbox (a failed publish) are retried
 * @param outboxStuckAfter     how old the oldest unpublished outbox row may get before health reports it
 * @param commandRetention     how long a processed command's reply is kept for redeliveries
 * @param unverifiedRetention  how long a user who never verified is kept after their last activity;
 *                             at least an hour, so never while a code is live
 * @param cleanupInterval      how often old commands and unverified users are deleted
 * @param replyTopics          the requesters' reply topics: the only topics replies are sent to
 * @param instanceId           this instance's Kafka static membership id, stable across its restarts and
 *                             unique among the instances; blank for none (dynamic membership)
 */
@Validated
@ConfigurationProperties("verification")
public record VerificationProperties(
        @NotNull @DurationMin(seconds = 10) @DurationMax(minutes = 10)
        Duration codeTtl,

        @Min(1) @Max(10) int maxAttempts,

        @NotNull @DurationMin(seconds = 1) @DurationMax(hours = 1)
        Duration resendCooldown,

        @Min(1) @Max(100) int maxCodesPerWindow,

        @NotNull @DurationMin(minutes = 1) @DurationMax(days = 1)
        Duration codesWindow,

        @Min(1) @Max(100) int maxFailures,

        @NotNull @DurationMin(minutes = 1) @DurationMax(days = 7)
        Duration failureLockout,

        boolean trustCallerPhoneNumbers,

        @Nullable String codeSecret,
        @Min(1) int topicPartitions,
        @NotNull Duration outboxSweepInterval,
        @NotNull Duration outboxStuckAfter,

        @NotNull @DurationMin(minutes = 1) @DurationMax(days = 30)
        Duration commandRetention,

        @NotNull @DurationMin(hours = 1) @DurationMax(days = 365)
        Duration unverifiedRetention,

        @NotNull @DurationMin(seconds = 1) Duration cleanupInterval,
        @NotEmpty Set<String> replyTopics,
        String instanceId) {}
