package uz.lms.registration.gateway.fastapi;

import java.io.IOException;

/** Thrown from a request body's stream past the gateway's limit; {@link ApiExceptionHandler} answers 413. */
public class BodyTooLarge extends IOException {

    public BodyTooLarge(long limit) {
        super("request body exceeds " + limit + " bytes");
    }
}
