/** The gateway's client of verification-service, and whether it can be reached. */
@NullMarked
package uz.lms.registration.gateway.messaging;

import org.jspecify.annotations.NullMarked;
