package uz.lms.registration.verification.users;

/**
 * The path a code came by, which is the topic its check arrived on. A code typed in the chat comes from the
 * account itself; a check over HTTP may come from anyone, so each path has its own budget of wrong checks.
 */
public enum Channel {

    /** Typed in the private chat with the bot, by the account's owner: {@code chat.verifications}. */
    CHAT,

    /** {@code POST /verify}, by whoever can reach the gateway: {@code verification.requests}. */
    API
}
