package uz.lms.registration.gateway;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.List;
import org.apache.catalina.util.NetMask;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code gateway.reply-timeout}, how long a request waits for verification-service's reply before answering
 * 503, is passed to verification-client in {@code application.yml}.
 *
 * @param apiKey                   when set, every API request must carry it in {@code X-API-Key}; unset or empty
 *                                 ({@code GATEWAY_API_KEY=}, as compose.yaml passes it by default) leaves the API open
 * @param trustCallerPhoneNumbers  the operator's own front end vouches for the numbers it sends, so
 *                                 {@code POST /register} may create a user or set a number; needs {@link #apiKey}
 * @param maxInFlight              requests waiting for verification-service at once; past it the gateway sheds load
 *                                 with 503 at once instead of queueing them until the reply timeout
 * @param rateLimit                how fast each client, and all of them together, may call the API
 * @param topicPartitions          partitions of the topics this service creates, its reply topics
 */
@Validated
@ConfigurationProperties("gateway")
public record GatewayProperties(
        @Nullable String apiKey,
        boolean trustCallerPhoneNumbers,
        @Min(1) int maxInFlight,
        @NotNull @Valid RateLimit rateLimit,
        @Min(1) int topicPartitions) {

    public boolean apiKeyRequired() {
        return apiKey != null && !apiKey.isBlank();
    }

    /**
     * @param enabled        {@code false} turns both limits off (benchmarks); {@link #maxInFlight} still holds
     * @param perClient      what one client may do: the holder of {@code gateway.api-key} when one is set, else
     *                       one address (an IPv6 client's /64)
     * @param total          what all clients together may do
     * @param maxClients     clients remembered at once; the least recently seen are forgotten first, so that a flood
     *                       of addresses cannot exhaust memory
     * @param trustedProxies addresses or CIDR blocks of the proxies in front of the gateway, whose
     *                       {@code X-Forwarded-For} names the client; empty: the client is the TCP peer
     */
    public record RateLimit(
            boolean enabled,
            @NotNull @Valid Limit perClient,
            @NotNull @Valid Limit total,
            @Min(1) @Max(10_000_000) int maxClients,
            @NotNull List<NetMask> trustedProxies) {}

    /**
     * A token bucket: {@code burst} requests at once, refilled at {@code perSecond}.
     */
    public record Limit(@Min(1) long burst, @Min(1) long perSecond) {}
}
