/** Commands from Kafka, each applied once and answered on its requester's reply topic. */
@NullMarked
package uz.lms.registration.verification.commands;

import org.jspecify.annotations.NullMarked;
