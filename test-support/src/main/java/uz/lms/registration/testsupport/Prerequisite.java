package uz.lms.registration.testsupport;

import org.junit.jupiter.api.Assumptions;
import org.opentest4j.AssertionFailedError;

/**
 * What a test needs from the machine beyond the JVM (a browser, Docker's engine): where it is missing, the test
 * is skipped, saying so; but under {@code CI=true} it fails, since CI installs it and the README promises that the
 * test runs there.
 */
public final class Prerequisite {

    private Prerequisite() {}

    /** @param whyNot what is missing and how to get it, e.g. {@code "no /usr/bin/chromium (apt-get install chromium)"} */
    public static void require(boolean present, String whyNot) {
        if (present) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionFailedError(whyNot + ": under CI=true this test must run, not skip");
        }
        Assumptions.abort(whyNot + ": the test is skipped (under CI=true it would fail)");
    }
}
