/** What every consuming service shares on Kafka, auto-configured: the one dead-letter error handler, and readiness. */
@NullMarked
package uz.lms.registration.kafka;

import org.jspecify.annotations.NullMarked;
