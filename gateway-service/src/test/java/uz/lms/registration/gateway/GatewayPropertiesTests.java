package uz.lms.registration.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.catalina.util.NetMask;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class GatewayPropertiesTests {

    @Test
    void anEmptyApiKeyAsComposePassesItByDefaultLeavesTheApiOpen() {
        assertThat(bind(Map.of("gateway.api-key", "")).apiKeyRequired()).isFalse();
        assertThat(bind(Map.of("gateway.max-in-flight", "256")).apiKeyRequired())
                .isFalse();
    }

    @Test
    void aSetApiKeyIsRequired() {
        GatewayProperties properties = bind(Map.of("gateway.api-key", "k3y"));

        assertThat(properties.apiKeyRequired()).isTrue();
    }

    @Test
    void severalKeysAreCommaSeparatedSoThatAKeyCanBeReplacedWithoutDowntime() {
        GatewayProperties properties = bind(Map.of("gateway.api-key", "old-key, new-key,"));

        assertThat(properties.apiKeys()).containsExactly("old-key", "new-key");
        assertThat(bind(Map.of("gateway.api-key", " , ")).apiKeyRequired()).isFalse();
    }

    @Test
    void aRateMayBeAFraction() {
        GatewayProperties properties = bind(Map.of("gateway.rate-limit.per-account.per-second", "0.1"));

        assertThat(properties.rateLimit().perAccount().perSecond()).isEqualTo(0.1);
    }

    @Test
    void trustedProxiesAreAddressesOrCidrBlocks() {
        GatewayProperties properties =
                bind(Map.of("gateway.rate-limit.trusted-proxies", "10.0.0.0/8, 192.0.2.1,fd00::/8"));

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
