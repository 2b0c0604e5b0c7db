package uz.lms.registration.gateway.protection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.catalina.util.NetMask;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

class ClientAddressTests {

    private final ClientAddress addresses = new ClientAddress(List.of(new NetMask("10.0.0.0/8"), new NetMask("::1")));

    @Test
    void withoutATrustedProxyTheClientIsThePeerWhateverItForwards() {
        assertThat(addresses.of(request("203.0.113.1", "198.51.100.7"))).isEqualTo("203.0.113.1");
    }

    @Test
    void behindTrustedProxiesTheClientIsTheRightMostHopThatIsNoneOfThem() {
        assertThat(addresses.of(request("10.0.0.1", "198.51.100.7, 203.0.113.1, 10.0.0.9")))
                .isEqualTo("203.0.113.1");
    }

    @Test
    void hopsOfEveryXForwardedForHeaderCountInOrder() {
        assertThat(addresses.of(request("10.0.0.1", "198.51.100.7", "203.0.113.1, 10.0.0.9")))
                .isEqualTo("203.0.113.1");
    }

    @Test
    void whenEveryHopIsTrustedTheClientIsTheLeftMost() {
        assertThat(addresses.of(request("10.0.0.1", "10.1.1.1, 10.0.0.9"))).isEqualTo("10.1.1.1");
    }

    @Test
    void aHopThatIsNoAddressEndsTheWalkAtTheLastOneBelieved() {
        assertThat(addresses.of(request("10.0.0.1", "203.0.113.1, evil.example, 10.0.0.9")))
                .isEqualTo("10.0.0.9");
        assertThat(addresses.of(request("10.0.0.1", "999.1.1.1"))).isEqualTo("10.0.0.1");
        assertThat(addresses.of(request("10.0.0.1", ""))).isEqualTo("10.0.0.1");
    }

    @Test
    void anIpv6ClientIsItsSlash64() {
        assertThat(addresses.of(request("2001:db8:1:2:aaaa:bbbb:cccc:dddd")))
                .isEqualTo(addresses.of(request("2001:db8:1:2::1")))
                .isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(addresses.of(request("0:0:0:0:0:0:0:1", "2001:db8:9:9::5"))).isEqualTo("2001:db8:9:9:0:0:0:0/64");
    }

    private static MockHttpServletRequest request(String peer, String... forwardedFor) {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setRemoteAddr(peer);
        for (String header : forwardedFor) {
            request.addHeader(ClientAddress.FORWARDED_FOR, header);
        }
        return request;
    }
}
