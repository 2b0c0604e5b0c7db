package uz.lms.registration.verification;

import java.util.ArrayList;
import java.util.List;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import uz.lms.registration.service.ProductionRule;

/** In production, no secret this repository knows: neither the development code secret nor the database password. */
@Component
class DevelopmentSecrets implements ProductionRule {

    private static final int MINIMUM_SECRET_LENGTH = 32;
    /** The password in application.yml, there for local runs only. */
    private static final String DEFAULT_DATABASE_PASSWORD = "lms";

    @Override
    public List<String> violations(Environment settings) {
        List<String> problems = new ArrayList<>();
        String secret = settings.getProperty("verification.code-secret", "");
        if (secret.isBlank()) {
            problems.add("verification.code-secret must be set");
        } else if (secret.equals(CodeSecret.DEVELOPMENT_SECRET)) {
            problems.add("verification.code-secret must not be the development key");
        } else if (secret.length() < MINIMUM_SECRET_LENGTH) {
            problems.add("verification.code-secret must be at least " + MINIMUM_SECRET_LENGTH + " characters");
        }
        if (DEFAULT_DATABASE_PASSWORD.equals(settings.getProperty("spring.datasource.password"))) {
            problems.add("spring.datasource.password must not be the default one");
        }
        return problems;
    }
}
