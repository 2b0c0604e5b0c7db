/** Taking users' messages from Telegram by long polling and handing them over on {@code telegram.updates}. */
@NullMarked
package uz.lms.registration.telegram.polling;

import org.jspecify.annotations.NullMarked;
