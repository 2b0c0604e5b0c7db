/** telegram-service, the bot. Each package below is one of its jobs, checked by {@code ModularityTests}. */
@NullMarked
package uz.lms.registration.telegram;

import org.jspecify.annotations.NullMarked;
