/** {@code POST /verify}. */
@NullMarked
package uz.lms.registration.gateway.verification;

import org.jspecify.annotations.NullMarked;
