package uz.lms.registration.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Command: register (or refresh) a user and issue a new code. The {@code event_id} is the
 * idempotency key: a redelivered command gets the first answer again and changes nothing.
 * An invalid command cannot be built, nor read off the wire.
 *
 * @param phoneNumber E.164, already normalized by the sender
 * @param language    {@code uz}, {@code ru} or {@code en}: the language the code is delivered in
 * @param source      who vouches for {@code phone_number}, and so what the command may do
 */
public record RegisterUser(
        @JsonProperty("event_id") UUID eventId,
        @JsonProperty("occurred_at") Instant occurredAt,
        @JsonProperty("telegram_id") long telegramId,
        @JsonProperty("phone_number") String phoneNumber,
        @JsonProperty("language") String language,
        @JsonProperty("source") Source source) {

    /** The languages the bot speaks. */
    public static final Set<String> LANGUAGES = Set.of("uz", "ru", "en");

    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");

    public RegisterUser {
        Objects.requireNonNull(eventId, "event_id");
        if (telegramId <= 0) {
            throw new IllegalArgumentException("telegram_id must be positive");
        }
        if (phoneNumber == null || !E164.matcher(phoneNumber).matches()) {
            throw new IllegalArgumentException("phone_number must be E.164");
        }
        if (!LANGUAGES.contains(language)) {
            throw new IllegalArgumentException("language must be one of " + LANGUAGES);
        }
        Objects.requireNonNull(source, "source");
    }

    @Override
    public String toString() {
        // Records print every component; a phone number has no business in a log line.
        return "RegisterUser[event_id=" + eventId + ", telegram_id=" + telegramId + ", language=" + language
                + ", source=" + source.wireName() + "]";
    }

    /**
     * Only Telegram can prove that a phone number belongs to a Telegram account, so only the bot
     * binds a number to an account; the HTTP API asks for codes for numbers Telegram attested.
     */
    public enum Source {

        /**
         * The bot, from a contact the user shared in a private chat ({@code contact.user_id == from.id}):
         * attests the number as the account's, creating the user or replacing an unverified user's number.
         */
        TELEGRAM_CONTACT("telegram_contact"),

        /**
         * The gateway: a code only for an existing, unverified user whose number is the one Telegram
         * attested and equals {@code phone_number}. Never creates a user nor changes a number.
         */
        CALLER("caller"),

        /**
         * The gateway whose callers the operator trusts ({@code gateway.trust-caller-phone-numbers}): the
         * specification's original flow, which may create the user or set an unverified user's number.
         */
        TRUSTED_CALLER("trusted_caller");

        private final String wireName;

        Source(String wireName) {
            this.wireName = wireName;
        }

        @JsonValue
        public String wireName() {
            return wireName;
        }

        /** By wire name only: Jackson would also take an enum's index, {@code 0} or {@code "0"}. */
        @JsonCreator
        public static Source of(String wireName) {
            return Arrays.stream(values())
                    .filter(source -> source.wireName.equals(wireName))
                    .findFirst()
                    .orElseThrow(() ->
                            new IllegalArgumentException("source must be telegram_contact, caller or trusted_caller"));
        }
    }
}
