package uz.lms.registration.contracts;

/**
 * The topics the services exchange records on. Keys are always the {@code telegram_id} as a
 * decimal string, so that one user's records stay in order.
 *
 * <p>The command topics come in one pair per producer. What a command may do (bind a number, which budget of
 * wrong checks a code spends) follows from the topic it arrived on and verification-service's own settings,
 * never from its record; Kafka's ACLs let only a topic's producer write it.
 */
public final class Topics {

    /** {@link RegisterUser} commands from HTTP callers: gateway → verification (request/reply). */
    public static final String REGISTRATION_REQUESTS = "registration.requests";

    /** {@link VerifyCode} commands checked over HTTP, the HTTP budget: gateway → verification (request/reply). */
    public static final String VERIFICATION_REQUESTS = "verification.requests";

    /**
     * {@link RegisterUser} commands from a contact the user shared with the bot, the number's attestation: telegram →
     * verification (request/reply).
     */
    public static final String CHAT_REGISTRATIONS = "chat.registrations";

    /** {@link VerifyCode} commands typed in the chat, the chat's budget: telegram → verification (request/reply). */
    public static final String CHAT_VERIFICATIONS = "chat.verifications";

    /** {@link DeliverCode}: verification → telegram. The only topic that carries issued codes. */
    public static final String VERIFICATION_CODES = "verification.codes";

    /** {@link UserEvent}s: verification → anyone. Never a code. */
    public static final String USER_EVENTS = "user.events";

    /** {@link DeliveryEvent}s: telegram → anyone. Never a code. */
    public static final String CODE_DELIVERIES = "code.deliveries";

    /** Suffix of the dead-letter topic of every consumed topic. */
    public static final String DEAD_LETTER_SUFFIX = "-dlt";

    /**
     * Header of every command on the command topics above: the instant (ISO-8601, UTC) after which
     * verification-service drops it unapplied, a little before its requester stops waiting for the reply. A header, not a field: it is about the request's delivery,
     * not what it asks, and it leaves the command records as they are.
     */
    public static final String DEADLINE_HEADER = "deadline";

    private Topics() {}

    public static String deadLetter(String topic) {
        return topic + DEAD_LETTER_SUFFIX;
    }

    public static String key(long telegramId) {
        return Long.toString(telegramId);
    }
}
