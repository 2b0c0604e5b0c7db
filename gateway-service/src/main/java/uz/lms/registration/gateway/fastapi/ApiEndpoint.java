package uz.lms.registration.gateway.fastapi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an operation of the gateway's HTTP API, as opposed to its docs, actuator and error pages: it requires
 * {@code gateway.api-key} when one is set and it is rate-limited (both in {@code gateway.protection}), what its
 * requests come to is logged and counted under its name ({@link Outcomes}), and {@code /openapi.json} documents it
 * with the answers every endpoint shares ({@code gateway.docs}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ApiEndpoint {

    /** The endpoint's name in logs and in {@code gateway.outcomes{endpoint}}: {@code register}, {@code verify}. */
    String value();
}
