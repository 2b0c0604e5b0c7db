package uz.lms.registration.verification.users;

/**
 * Who vouches for a registration's phone number, and so what it may do: the topic it arrived on says, with this
 * service's own settings. Only Telegram can prove that a number belongs to a Telegram account, so only the bot
 * binds a number to an account; the HTTP API asks for codes for numbers Telegram attested.
 */
public enum Source {

    /**
     * The bot, from a contact the user shared in a private chat ({@code contact.user_id == from.id}), on
     * {@code chat.registrations}: attests the number as the account's, creating the user or replacing an unverified
     * user's number.
     */
    TELEGRAM_CONTACT,

    /**
     * The gateway, on {@code registration.requests}: a code only for an existing, unverified user whose number is
     * the one Telegram attested and equals the command's. Never creates a user nor changes a number.
     */
    CALLER,

    /**
     * The gateway, on {@code registration.requests}, when both it and this service trust callers' numbers
     * ({@code gateway.trust-caller-phone-numbers}, {@code verification.trust-caller-phone-numbers}): the
     * specification's original flow, which may create the user or set an unverified user's number.
     */
    TRUSTED_CALLER
}
