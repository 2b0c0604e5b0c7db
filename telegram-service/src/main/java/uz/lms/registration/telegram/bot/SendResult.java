package uz.lms.registration.telegram.bot;

import org.jspecify.annotations.Nullable;

/** What became of a message the bot tried to send. */
public sealed interface SendResult {

    /** Telegram accepted the message. */
    record Sent() implements SendResult {}

    /**
     * Telegram refused the message for good: 403 (the user blocked the bot or never started it),
     * 400 (chat not found, ...).
     */
    record Refused(int errorCode, @Nullable String description) implements SendResult {}

    /** The deadline passed before Telegram would take the message (rate limits, outages). */
    record TooLate() implements SendResult {}
}
