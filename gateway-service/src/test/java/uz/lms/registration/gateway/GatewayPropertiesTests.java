package uz.lms.registration.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.apache.catalina.util.NetMask;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class GatewayPropertiesTests {

    @Test
    void anEmptyApiKeyAsComposePassesItByDefaultLeavesTheApiOpen() {
        assertThat(bind(Map.of("gateway.reply-timeout", "5s", "gateway.api-key", ""))
                        .apiKeyRequired())
                .isFalse();
        assertThat(bind(Map.of("gateway.reply-timeout", "5s")).apiKeyRequired()).isFalse();
    }

    @Test
    void aSetApiKeyIsRequired() {
        GatewayProperties properties = bind(Map.of("gateway.reply-timeout", "750ms", "gateway.api-key", "k3y"));

        assertThat(properties.apiKeyRequired()).isTrue();
        assertThat(properties.replyTimeout()).isEqualTo(Duration.ofMillis(750));
    }

    @Test
    void trustedProxiesAreAddressesOrCidrBlocks() {
        GatewayProperties properties = bind(Map.of(
                "gateway.reply-timeout", "5s", "gateway.rate-limit.trusted-proxies", "10.0.0.0/8, 192.0.2.1,fd00::/8"));

        assertThat(properties.rateLimit().trustedProxies())
                .extracting(NetMask::toString)
                .containsExactly("10.0.0.0/8", "192.0.2.1", "fd00::/8");
    }

    private static GatewayProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bind("gateway", GatewayProperties.class)
                .get();
    }
}
