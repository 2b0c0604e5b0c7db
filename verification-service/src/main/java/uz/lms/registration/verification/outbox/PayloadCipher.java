package uz.lms.registration.verification.outbox;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;
import uz.lms.registration.verification.CodeSecret;

/**
 * AES-256-GCM for outbox payloads: a code waiting to be published is not stored in clear. The topic and the key a
 * payload is sealed for are its associated data, so a payload copied to a row of another topic or key does not
 * open: whoever may write the outbox cannot send a code on {@code user.events}, which anyone may read, or to
 * another user. A copy on the same topic and key is a duplicate its consumers drop by its {@code event_id}.
 */
@Component
class PayloadCipher {

    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKey key;
    private final SecureRandom random = new SecureRandom();

    PayloadCipher(CodeSecret secret) {
        this.key = new SecretKeySpec(secret.deriveKey("outbox-payload"), "AES");
    }

    /** {@code plain}, sealed for publishing on {@code topic} under {@code recordKey}. */
    byte[] seal(String topic, String recordKey, byte[] plain) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        byte[] sealed = run(Cipher.ENCRYPT_MODE, iv, associatedData(topic, recordKey), plain);
        return ByteBuffer.allocate(IV_BYTES + sealed.length).put(iv).put(sealed).array();
    }

    /**
     * The payload {@link #seal} made for this {@code topic} and {@code recordKey}.
     *
     * @throws IllegalStateException if it was sealed for another topic or key, under another secret, or changed
     */
    byte[] open(String topic, String recordKey, byte[] sealed) {
        if (sealed.length < IV_BYTES) {
            throw new IllegalStateException("outbox payload could not be opened: too short");
        }
        ByteBuffer buffer = ByteBuffer.wrap(sealed);
        byte[] iv = new byte[IV_BYTES];
        buffer.get(iv);
        byte[] body = new byte[buffer.remaining()];
        buffer.get(body);
        return run(Cipher.DECRYPT_MODE, iv, associatedData(topic, recordKey), body);
    }

    /** The topic's length first: no other topic and key give the same bytes. */
    private static byte[] associatedData(String topic, String recordKey) {
        byte[] topicBytes = topic.getBytes(StandardCharsets.UTF_8);
        byte[] keyBytes = recordKey.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(Integer.BYTES + topicBytes.length + keyBytes.length)
                .putInt(topicBytes.length)
                .put(topicBytes)
                .put(keyBytes)
                .array();
    }

    private byte[] run(int mode, byte[] iv, byte[] associatedData, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "outbox payload could not be " + (mode == Cipher.ENCRYPT_MODE ? "sealed" : "opened"), e);
        }
    }
}
