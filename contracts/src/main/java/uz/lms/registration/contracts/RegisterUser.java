package uz.lms.registration.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Command: register (or refresh) a user and issue a new code. The {@code event_id} is the
 * idempotency key: a redelivered command gets the first answer again and changes nothing.
 * An invalid command cannot be built, nor read off the wire.
 *
 * <p>What it may do follows from its topic ({@link Topics}): on {@link Topics#CHAT_REGISTRATIONS} the number is
 * Telegram's attestation; on {@link Topics#REGISTRATION_REQUESTS} it is a caller's, which gets a code only for
 * the number the user shared with the bot, unless verification-service trusts callers' numbers.
 *
 * @param phoneNumber E.164, already normalized by the sender
 * @param language    {@code uz}, {@code ru} or {@code en}: the language the code is delivered in
 * @param vouched     the gateway trusts its callers' numbers ({@code gateway.trust-caller-phone-numbers}). It can
 *                    only hold authority back, never grant it: a caller's number is believed only when this is
 *                    set and verification-service trusts callers' numbers itself. Written only when set; the bot
 *                    never sets it, and on the bot's topic it means nothing
 */
public record RegisterUser(
        @JsonProperty("event_id") UUID eventId,
        @JsonProperty("occurred_at") Instant occurredAt,
        @JsonProperty("telegram_id") long telegramId,
        @JsonProperty("phone_number") String phoneNumber,
        @JsonProperty("language") String language,
        // Absent reads as false: Jackson 3 would refuse a missing primitive otherwise.
        @JsonProperty("vouched") @JsonInclude(JsonInclude.Include.NON_DEFAULT) @JsonSetter(nulls = Nulls.AS_EMPTY)
        boolean vouched) {

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
    }

    @Override
    public String toString() {
        // Records print every component; a phone number has no business in a log line.
        return "RegisterUser[event_id=" + eventId + ", telegram_id=" + telegramId + ", language=" + language
                + ", vouched=" + vouched + "]";
    }
}
