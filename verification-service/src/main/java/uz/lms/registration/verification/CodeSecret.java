package uz.lms.registration.verification;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The one secret of the service, {@code verification.code-secret}, and the keys derived from it:
 * one for hashing codes, one for sealing outbox payloads. Unset, a fixed development key is used
 * with a warning; under the {@code prod} profile {@link DevelopmentSecrets} stops it from starting first.
 */
@Component
public class CodeSecret {

    static final String DEVELOPMENT_SECRET = "development-only-code-secret-do-not-use-in-production";

    private static final Logger log = LoggerFactory.getLogger(CodeSecret.class);

    private final byte[] secret;

    public CodeSecret(VerificationProperties properties) {
        String configured = properties.codeSecret();
        if (configured == null || configured.isBlank()) {
            log.warn("verification.code-secret is not set: using a development key; never run like this in production");
            configured = DEVELOPMENT_SECRET;
        }
        this.secret = configured.getBytes(StandardCharsets.UTF_8);
    }

    /** A 256-bit key for one purpose, so that no two uses of the secret share a key. */
    public byte[] deriveKey(String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
