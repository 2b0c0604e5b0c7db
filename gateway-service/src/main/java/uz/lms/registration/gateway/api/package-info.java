/**
 * What every endpoint shares: FastAPI's answer shapes, body validation, the API key, the OpenAPI document, outcome
 * metrics.
 */
@NullMarked
package uz.lms.registration.gateway.api;

import org.jspecify.annotations.NullMarked;
