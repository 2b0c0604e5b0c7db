/** What every consuming service shares on Kafka: the one dead-letter error handler. */
@NullMarked
package uz.lms.registration.kafka;

import org.jspecify.annotations.NullMarked;
