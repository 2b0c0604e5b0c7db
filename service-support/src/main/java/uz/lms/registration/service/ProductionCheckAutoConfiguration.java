package uz.lms.registration.service;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/** The one production check of every service; the service declares its rules. */
@AutoConfiguration
class ProductionCheckAutoConfiguration {

    /** Static: a bean factory post-processor is made before its configuration class could be. */
    @Bean
    static ProductionCheck productionCheck(Environment environment) {
        return new ProductionCheck(environment);
    }
}
