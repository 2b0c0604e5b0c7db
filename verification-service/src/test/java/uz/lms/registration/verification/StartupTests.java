package uz.lms.registration.verification;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Settings the service refuses to start with. */
class StartupTests {

    @ParameterizedTest
    @ValueSource(strings = {"max-attempts=11", "max-failures=101", "max-codes-per-window=101", "code-ttl=11m",
            "failure-lockout=0s", "unverified-retention=10m"})
    void aLimitOutOfItsBoundsRefusesToStart(String setting) {
        String name = setting.substring(0, setting.indexOf('='));

        assertThatThrownBy(() -> RunningVerificationService.start(Clock.systemUTC(), "verification." + setting))
                .rootCause().hasMessageContaining("verification." + name);
    }
}
