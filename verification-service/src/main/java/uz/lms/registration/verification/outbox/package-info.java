/** Records to publish, written in the transaction that causes them and published after it commits. */
@NullMarked
package uz.lms.registration.verification.outbox;

import org.jspecify.annotations.NullMarked;
