/**
 * What stands between a client and an endpoint: the API key, the rate limits and the client address they count,
 * and the cap on request bodies. Each answers as FastAPI would, through {@code gateway.fastapi}.
 */
@NullMarked
package uz.lms.registration.gateway.protection;

import org.jspecify.annotations.NullMarked;
