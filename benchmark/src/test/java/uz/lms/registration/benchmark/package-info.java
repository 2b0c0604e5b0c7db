/** Gatling simulations of the HTTP API, run against a running system by scripts/benchmark.sh. */
@NullMarked
package uz.lms.registration.benchmark;

import org.jspecify.annotations.NullMarked;
