package uz.lms.registration.verification.users;

import java.time.Instant;
import org.jspecify.annotations.Nullable;
import uz.lms.registration.contracts.VerificationOutcome;
import uz.lms.registration.contracts.VerificationOutcome.InvalidOrExpiredCode;
import uz.lms.registration.contracts.VerificationOutcome.Verified;

/**
 * What a check of a code came to, and what its statements counted, which its outcome alone does not tell: a check
 * answered 400 may have been counted or not, and may have burned the code or locked the account out.
 *
 * @param outcome        the answer
 * @param codeIssuedAt   when the code it verified was issued; null unless it verified
 * @param failureCounted whether a statement counted it as a wrong check: against an account's code, or an unknown
 *                       id's HTTP checks
 * @param codeBurned     whether it took the code's last attempt through its channel
 * @param accountLocked  whether it locked the account's HTTP checks out
 */
public record Check(
        VerificationOutcome outcome,
        @Nullable Instant codeIssuedAt,
        boolean failureCounted,
        boolean codeBurned,
        boolean accountLocked) {

    static Check verified(Instant codeIssuedAt) {
        return new Check(new Verified(), codeIssuedAt, false, false, false);
    }

    static Check counted(boolean codeBurned, boolean accountLocked) {
        return new Check(new InvalidOrExpiredCode(), null, true, codeBurned, accountLocked);
    }

    /** Nothing counted, nothing changed. */
    static Check refused(VerificationOutcome outcome) {
        return new Check(outcome, null, false, false, false);
    }
}
