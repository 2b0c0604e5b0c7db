/** Request/reply with verification-service, for every service that sends it commands. */
@NullMarked
package uz.lms.registration.client;

import org.jspecify.annotations.NullMarked;
