/** The infrastructure {@code run.sh} starts: embedded Kafka, PostgreSQL and the Telegram sandbox. */
@NullMarked
package uz.lms.registration.localstack;

import org.jspecify.annotations.NullMarked;
