/** Delivering issued codes to users' private chats. */
@NullMarked
package uz.lms.registration.telegram.delivery;

import org.jspecify.annotations.NullMarked;
