package uz.lms.registration.verification.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.verification.CodeSecret;
import uz.lms.registration.verification.VerificationProperties;

class PayloadCipherTests {

    private static final String KEY = "920000001";

    private final CodeSecret secret = new CodeSecret(new VerificationProperties(
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
            ""));
    private final PayloadCipher cipher = new PayloadCipher(secret);

    @Test
    void aSealedPayloadHidesTheCodeAndOpensToTheOriginal() {
        byte[] plain = "{\"code\":\"348291\"}".getBytes(StandardCharsets.UTF_8);

        byte[] sealed = cipher.seal(Topics.VERIFICATION_CODES, KEY, plain);

        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("348291");
        assertThat(cipher.open(Topics.VERIFICATION_CODES, KEY, sealed)).isEqualTo(plain);
        assertThat(cipher.seal(Topics.VERIFICATION_CODES, KEY, plain))
                .as("a fresh nonce each time")
                .isNotEqualTo(sealed);
    }

    @Test
    void aTamperedPayloadDoesNotOpen() {
        byte[] sealed = cipher.seal(Topics.USER_EVENTS, KEY, "{}".getBytes(StandardCharsets.UTF_8));
        sealed[sealed.length - 1] ^= 1;

        assertThatThrownBy(() -> cipher.open(Topics.USER_EVENTS, KEY, sealed))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cipher.open(Topics.USER_EVENTS, KEY, new byte[5]))
                .as("shorter than a nonce")
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aPayloadOpensOnlyOnTheTopicAndUnderTheKeyItWasSealedFor() {
        byte[] sealed =
                cipher.seal(Topics.VERIFICATION_CODES, KEY, "{\"code\":\"348291\"}".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> cipher.open(Topics.USER_EVENTS, KEY, sealed))
                .as("a code moved onto a topic anyone may read")
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cipher.open(Topics.VERIFICATION_CODES, "920000002", sealed))
                .as("a code moved to another user")
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cipher.open("verification.code", "s920000001", sealed))
                .as("the same bytes split otherwise between topic and key")
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aPayloadSealedBeforeTopicAndKeyWereBoundDoesNotOpen() throws Exception {
        byte[] iv = new byte[12];
        Cipher unbound = Cipher.getInstance("AES/GCM/NoPadding");
        unbound.init(
                Cipher.ENCRYPT_MODE,
                new SecretKeySpec(secret.deriveKey("outbox-payload"), "AES"),
                new GCMParameterSpec(128, iv));
        byte[] body = unbound.doFinal("{}".getBytes(StandardCharsets.UTF_8));
        byte[] sealed =
                ByteBuffer.allocate(iv.length + body.length).put(iv).put(body).array();

        assertThatThrownBy(() -> cipher.open(Topics.USER_EVENTS, KEY, sealed))
                .isInstanceOf(IllegalStateException.class);
    }
}
