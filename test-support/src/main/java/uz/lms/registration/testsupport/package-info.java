/** A real Kafka broker and a real PostgreSQL, embedded once per test JVM, and the tests' tools on top of them. */
@NullMarked
package uz.lms.registration.testsupport;

import org.jspecify.annotations.NullMarked;
