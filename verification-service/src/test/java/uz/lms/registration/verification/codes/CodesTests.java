package uz.lms.registration.verification.codes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import uz.lms.registration.verification.CodeSecret;
import uz.lms.registration.verification.VerificationProperties;

class CodesTests {

    private final Codes codes = new Codes(secret("a-test-secret-that-is-long-enough-for-prod"));

    @Test
    void codesAreSixDigitsAndVary() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String code = codes.newCode();
            assertThat(code).matches("[0-9]{6}");
            seen.add(code);
        }
        assertThat(seen).hasSizeGreaterThan(990);
    }

    @Test
    void theStoredHashIsBoundToTheUserAndMatchesOnlyTheRightCode() {
        String hash = codes.hash(42, "123456");

        assertThat(hash).matches("[0-9a-f]{64}").isNotEqualTo(codes.hash(43, "123456"));
        assertThat(codes.matches(42, "123456", hash)).isTrue();
        assertThat(codes.matches(42, "123457", hash)).isFalse();
        assertThat(codes.matches(43, "123456", hash)).isFalse();
        assertThat(codes.matches(42, "123456", null)).isFalse();
    }

    @Test
    void anotherSecretGivesAnotherHash() {
        Codes other = new Codes(secret("another-test-secret-that-is-long-enough"));

        assertThat(other.hash(42, "123456")).isNotEqualTo(codes.hash(42, "123456"));
    }

    private static CodeSecret secret(String value) {
        return new CodeSecret(new VerificationProperties(
                Duration.ofSeconds(60),
                5,
                Duration.ofSeconds(30),
                5,
                Duration.ofMinutes(10),
                20,
                Duration.ofHours(1),
                false,
                value,
                3,
                Duration.ofSeconds(5),
                Duration.ofMinutes(1),
                Duration.ofDays(1),
                Duration.ofDays(1),
                Duration.ofMinutes(1),
                Set.of("replies"),
                ""));
    }
}
