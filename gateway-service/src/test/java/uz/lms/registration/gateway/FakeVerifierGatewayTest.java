package uz.lms.registration.gateway;

import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import uz.lms.registration.testsupport.FakeVerifier;

/**
 * The gateway on the embedded broker, driven over HTTP, with verification-service played by a {@link FakeVerifier}:
 * one of each per test class. The rules behind the outcomes (cooldowns, expiry, attempts) are verification-service's,
 * and tested there.
 */
abstract class FakeVerifierGatewayTest {

    static final String CODE_SENT = "{\"message\":\"Verification code sent\",\"expires_in\":60}";
    static final String PHONE = "+998901234567";

    static FakeVerifier verifier;
    static RunningGateway gateway;

    @BeforeAll
    static void start() {
        verifier = FakeVerifier.start();
        // Bursts of hundreds of requests come from one address here; the rate limits and load shedding are
        // GatewayLoadTests'.
        gateway = RunningGateway.start(
                "gateway.reply-timeout=10s", "gateway.rate-limit.enabled=false", "gateway.max-in-flight=1000");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        verifier.close();
    }

    static long newTelegramId() {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }
}
