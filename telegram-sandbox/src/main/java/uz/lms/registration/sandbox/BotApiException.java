package uz.lms.registration.sandbox;

import org.jspecify.annotations.Nullable;

/** A Bot API error answer: {@code {"ok": false, "error_code": ..., "description": ...}}. */
final class BotApiException extends RuntimeException {

    private final int errorCode;
    private final @Nullable Integer retryAfter;

    BotApiException(int errorCode, String description) {
        this(errorCode, description, null);
    }

    private BotApiException(int errorCode, String description, @Nullable Integer retryAfter) {
        super(description, null, false, false);
        this.errorCode = errorCode;
        this.retryAfter = retryAfter;
    }

    static BotApiException tooManyRequests(int retryAfterSeconds) {
        return new BotApiException(429, "Too Many Requests: retry after " + retryAfterSeconds, retryAfterSeconds);
    }

    int errorCode() {
        return errorCode;
    }

    /** Seconds the bot must wait, for a 429; null otherwise. */
    @Nullable
    Integer retryAfter() {
        return retryAfter;
    }
}
