/**
 * What the benchmark runs beside the system: a Bot API stand-in that times code delivery, and the users it
 * registers and verifies.
 */
@NullMarked
package uz.lms.registration.benchmark;

import org.jspecify.annotations.NullMarked;
