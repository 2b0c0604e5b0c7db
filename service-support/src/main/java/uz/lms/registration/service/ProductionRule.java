package uz.lms.registration.service;

import java.util.List;
import org.springframework.core.env.Environment;

/**
 * A setting a service must not run with under the {@code prod} profile: each service declares its own as beans,
 * and the production check refuses to start while any of them finds one. A rule is created before any other bean,
 * before injection is set up: it has no constructor parameters and reads only the settings it is given.
 */
@FunctionalInterface
public interface ProductionRule {

    /** What is unsafe in these settings, one sentence each naming the setting; empty when nothing is. */
    List<String> violations(Environment settings);
}
