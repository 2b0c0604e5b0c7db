/** What every service shares as a Spring Boot application: its defaults and its production check. */
@NullMarked
package uz.lms.registration.service;

import org.jspecify.annotations.NullMarked;
