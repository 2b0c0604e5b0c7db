/** {@code POST /register}. */
@NullMarked
package uz.lms.registration.gateway.registration;

import org.jspecify.annotations.NullMarked;
