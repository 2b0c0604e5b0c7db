package uz.lms.registration.verification.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import uz.lms.registration.verification.CodeSecret;
import uz.lms.registration.verification.VerificationProperties;

class PayloadCipherTests {

    private final PayloadCipher cipher = new PayloadCipher(new CodeSecret(new VerificationProperties(
            Duration.ofSeconds(60),
            5,
            Duration.ofSeconds(30),
            5,
            Duration.ofMinutes(10),
            20,
            Duration.ofHours(1),
            false,
            "a-test-secret-that-is-long-enough-for-prod",
            3,
            Duration.ofSeconds(5),
            Duration.ofMinutes(1),
            Duration.ofDays(1),
            Duration.ofDays(1),
            Duration.ofMinutes(1),
            Set.of("replies"),
            "")));

    @Test
    void aSealedPayloadHidesTheCodeAndOpensToTheOriginal() {
        byte[] plain = "{\"code\":\"348291\"}".getBytes(StandardCharsets.UTF_8);

        byte[] sealed = cipher.seal(plain);

        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("348291");
        assertThat(cipher.open(sealed)).isEqualTo(plain);
        assertThat(cipher.seal(plain)).as("a fresh nonce each time").isNotEqualTo(sealed);
    }

    @Test
    void aTamperedPayloadDoesNotOpen() {
        byte[] sealed = cipher.seal("{}".getBytes(StandardCharsets.UTF_8));
        sealed[sealed.length - 1] ^= 1;

        assertThatThrownBy(() -> cipher.open(sealed)).isInstanceOf(IllegalStateException.class);
    }
}
