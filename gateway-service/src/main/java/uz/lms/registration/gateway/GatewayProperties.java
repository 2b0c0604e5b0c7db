package uz.lms.registration.gateway;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.util.List;
import org.apache.catalina.util.NetMask;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code gateway.reply-timeout}, how long a request waits for verification-service's reply before answering
 * 503, is passed to verification-client in {@code application.yml}.
 *
 * @param apiKey                   the API keys, comma-separated: when one is set, every API request must carry one
 *                                 of them in {@code X-API-Key}, so that a new key can be added before the old one is
 *                                 removed; unset or empty ({@code GATEWAY_API_KEY=}, as compose.yaml passes it by
 *                                 default) leaves the API open
 * @param trustCallerPhoneNumbers  the operator's own front end vouches for the numbers it sends, so
 *                                 {@code POST /register} may create a user or set a number where verification-service
 *                                 trusts callers' numbers too ({@code verification.trust-caller-phone-numbers});
 *                                 needs {@link #apiKey}
 * @param maxInFlight              requests waiting for verification-service at once; past it the gateway sheds load
 *                                 with 503 at once instead of queueing them until the reply timeout
 * @param rateLimit                how fast each client, and all of them together, may call the API
 * @param topicPartitions          partitions of the topics this service creates, its reply topics
 */
@Validated
@ConfigurationProperties("gateway")
public record GatewayProperties(
        @Nullable List<String> apiKey,
        boolean trustCallerPhoneNumbers,
        @Min(1) int maxInFlight,
        @NotNull @Valid RateLimit rateLimit,
        @Min(1) int topicPartitions) {

    /** The keys that are set, without the blanks that an empty or trailing comma leaves. */
    public List<String> apiKeys() {
        return apiKey == null
                ? List.of()
                : apiKey.stream()
                        .map(String::strip)
                        .filter(key -> !key.isEmpty())
                        .toList();
    }

    public boolean apiKeyRequired() {
        return !apiKeys().isEmpty();
    }

    /**
     * @param enabled        {@code false} turns all these limits off (benchmarks); {@link #maxInFlight} still holds
     * @param perClient      what one client may do: the holder of {@code gateway.api-key} when one is set, else
     *                       one address (an IPv6 client's /64)
     * @param perAccount     with {@code gateway.api-key} set, what the requests for one {@code telegram_id} may take
     *                       of the key holder's share, so that one person behind the front end cannot use it up
     * @param failedKeys     with {@code gateway.api-key} set, how many wrong keys one address may send; past it,
     *                       the address's requests are not checked at all until its bucket refills
     * @param total          what all clients together may do
     * @param maxClients     clients remembered at once, and as many accounts and addresses that sent wrong keys; the
     *                       least recently seen are forgotten first, so that a flood of them cannot exhaust memory
     * @param trustedProxies addresses or CIDR blocks of the proxies in front of the gateway, whose
     *                       {@code X-Forwarded-For} names the client; empty: the client is the TCP peer
     */
    public record RateLimit(
            boolean enabled,
            @NotNull @Valid Limit perClient,
            @NotNull @Valid Limit perAccount,
            @NotNull @Valid Limit failedKeys,
            @NotNull @Valid Limit total,
            @Min(1) @Max(10_000_000) int maxClients,
            @NotNull List<NetMask> trustedProxies) {}

    /**
     * A token bucket: {@code burst} requests at once, refilled at {@code perSecond}, which may be a fraction
     * ({@code 0.1}: one every 10 seconds).
     */
    public record Limit(@Min(1) long burst, @Positive double perSecond) {}
}
