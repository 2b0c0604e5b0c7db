/** Electing the one instance that polls Telegram. */
@NullMarked
package uz.lms.registration.telegram.election;

import org.jspecify.annotations.NullMarked;
