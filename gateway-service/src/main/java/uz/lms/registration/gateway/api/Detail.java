package uz.lms.registration.gateway.api;

/** Every error body but 422's: FastAPI's {@code HTTPException} shape. */
public record Detail(String detail) {

    public static final Detail UNAVAILABLE = new Detail("Service temporarily unavailable");
}
