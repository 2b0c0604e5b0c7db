package uz.lms.registration.gateway.protection;

import jakarta.servlet.http.HttpServletRequest;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.catalina.util.NetMask;

/**
 * Where a request comes from, as the rate limits count clients: the TCP peer, unless that is one of
 * {@code gateway.rate-limit.trusted-proxies}; then the right-most address in {@code X-Forwarded-For} that is not
 * a trusted proxy, since every hop left of it was written by the client itself and can say anything. An IPv6
 * client is its /64, the block a single subscriber is given, or one host could be as many clients as it likes.
 */
final class ClientAddress {

    static final String FORWARDED_FOR = "X-Forwarded-For";

    private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
    // Only literals are parsed: InetAddress would look any other string up in DNS, and clients write these.
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");
    private static final int IPV6_SUBSCRIBER_BYTES = 8;

    private final List<NetMask> trustedProxies;

    ClientAddress(List<NetMask> trustedProxies) {
        this.trustedProxies = List.copyOf(trustedProxies);
    }

    String of(HttpServletRequest request) {
        InetAddress client = literal(request.getRemoteAddr());
        if (client == null) {
            return request.getRemoteAddr();
        }
        List<String> hops = forwardedFor(request);
        for (int i = hops.size() - 1; i >= 0 && trusted(client); i--) {
            InetAddress hop = literal(hops.get(i));
            if (hop == null) {
                // Not an address a proxy wrote: the last hop believed is as near the client as is known.
                break;
            }
            client = hop;
        }
        return key(client);
    }

    private boolean trusted(InetAddress address) {
        return trustedProxies.stream().anyMatch(proxy -> proxy.matches(address));
    }

    /** Every {@code X-Forwarded-For} header's hops, left to right, as proxies append them. */
    private static List<String> forwardedFor(HttpServletRequest request) {
        List<String> hops = new ArrayList<>();
        for (String header : Collections.list(request.getHeaders(FORWARDED_FOR))) {
            Arrays.stream(header.split(",")).map(String::strip).forEach(hops::add);
        }
        return hops;
    }

    private static InetAddress literal(String address) {
        if (address == null
                || !(IPV4.matcher(address).matches() || IPV6.matcher(address).matches())) {
            return null;
        }
        try {
            return InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static String key(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] subscriber = Arrays.copyOf(address.getAddress(), 16);
        Arrays.fill(subscriber, IPV6_SUBSCRIBER_BYTES, subscriber.length, (byte) 0);
        try {
            return InetAddress.getByAddress(subscriber).getHostAddress() + "/64";
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are an IPv6 address", e);
        }
    }
}
