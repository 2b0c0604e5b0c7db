/** Answering users' messages: registering and verifying them through verification-service. */
@NullMarked
package uz.lms.registration.telegram.conversation;

import org.jspecify.annotations.NullMarked;
