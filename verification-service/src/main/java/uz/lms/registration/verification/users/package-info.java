/** The users table, and the rules of registering and verifying. */
@NullMarked
package uz.lms.registration.verification.users;

import org.jspecify.annotations.NullMarked;
