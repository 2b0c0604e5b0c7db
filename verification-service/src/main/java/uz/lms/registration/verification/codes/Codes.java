package uz.lms.registration.verification.codes;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import uz.lms.registration.verification.CodeSecret;

/**
 * Issues six-digit codes and keeps them only as HMAC-SHA256, keyed by the code secret and bound
 * to the user, so that a leaked table neither reveals codes nor shows two users sharing one.
 */
@Component
public class Codes {

    private static final int BOUND = 1_000_000;
    private static final HexFormat HEX = HexFormat.of();

    private final SecureRandom random = new SecureRandom();
    private final Mac prototype;

    Codes(CodeSecret secret) {
        try {
            prototype = Mac.getInstance("HmacSHA256");
            prototype.init(new SecretKeySpec(secret.deriveKey("verification-code-hash"), "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** A fresh code: six digits, uniformly drawn, leading zeros kept. */
    public String newCode() {
        return String.format("%06d", random.nextInt(BOUND));
    }

    /** What is stored for {@code code} of {@code telegramId}: hex HMAC, never the code. */
    public String hash(long telegramId, String code) {
        return HEX.formatHex(mac().doFinal((telegramId + ":" + code).getBytes(StandardCharsets.UTF_8)));
    }

    /** Compares a candidate with a stored hash in constant time; a missing hash never matches. */
    public boolean matches(long telegramId, String candidate, @Nullable String storedHash) {
        byte[] expected = storedHash == null ? new byte[64] : storedHash.getBytes(StandardCharsets.US_ASCII);
        byte[] actual = hash(telegramId, candidate).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, actual) && storedHash != null;
    }

    private Mac mac() {
        try {
            return (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("HmacSHA256 cannot be cloned", e);
        }
    }
}
