/** A fake Telegram Bot API server, and a web chat that stands in for a Telegram client. */
@NullMarked
package uz.lms.registration.sandbox;

import org.jspecify.annotations.NullMarked;
