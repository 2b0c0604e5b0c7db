/** The Kafka contract between the services: topic names and the records that travel on them. */
@NullMarked
package uz.lms.registration.contracts;

import org.jspecify.annotations.NullMarked;
