/**
 * The FastAPI compatibility layer: every endpoint answers as the FastAPI service it replaces did. Bodies read and
 * validated field by field, the {@code detail} shapes of every answer, the exception handler and the error pages;
 * and what each request to an {@link uz.lms.registration.gateway.fastapi.ApiEndpoint} came to.
 */
@NullMarked
package uz.lms.registration.gateway.fastapi;

import org.jspecify.annotations.NullMarked;
