/** Sending as the bot within Telegram's limits, in the user's language; nothing of it without a bot token. */
@NullMarked
package uz.lms.registration.telegram.bot;

import org.jspecify.annotations.NullMarked;
