/** gateway-service, the public HTTP API. Each package below is a feature, checked by {@code ModularityTests}. */
@NullMarked
package uz.lms.registration.gateway;

import org.jspecify.annotations.NullMarked;
