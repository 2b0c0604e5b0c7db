/**
 * The OpenAPI document at {@code /openapi.json}, with Swagger UI at {@code /docs}: its header, the answers every
 * endpoint shares, and the page.
 */
@NullMarked
package uz.lms.registration.gateway.docs;

import org.jspecify.annotations.NullMarked;
