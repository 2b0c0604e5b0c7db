/**
 * verification-service, owner of the users table and of every rule about codes. Each package below is a feature,
 * checked by {@code ModularityTests}.
 */
@NullMarked
package uz.lms.registration.verification;

import org.jspecify.annotations.NullMarked;
