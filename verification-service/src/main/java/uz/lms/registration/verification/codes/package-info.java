/** Issuing codes, and keeping them only as keyed hashes. */
@NullMarked
package uz.lms.registration.verification.codes;

import org.jspecify.annotations.NullMarked;
