package uz.lms.registration.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Secrets read from files, as compose's {@code secrets:} and Kubernetes mount them: an environment variable
 * {@code X_FILE=/run/secrets/x} sets {@code X} to that file's content, without its trailing line breaks, so that
 * the secret itself is in neither the environment nor a command line ({@code docker inspect}, {@code ps} and
 * {@code /proc/<pid>/environ} show the path only). {@code X} then binds as an environment variable would
 * ({@code SPRING_DATASOURCE_PASSWORD_FILE} sets {@code spring.datasource.password}) and answers {@code ${X}}
 * placeholders. Only the settings of Spring and of this project ({@link #PREFIXES}): a machine's own {@code *_FILE}
 * variables ({@code SSL_CERT_FILE}, say) are none of a service's business. Setting both {@code X} and
 * {@code X_FILE}, or naming a file that cannot be read, stops the start, naming the variable, never the content.
 */
class SecretFiles implements EnvironmentPostProcessor {

    static final String SUFFIX = "_FILE";

    static final List<String> PREFIXES =
            List.of("SPRING_", "SERVER_", "MANAGEMENT_", "VERIFICATION_", "GATEWAY_", "TELEGRAM_", "LMS_");

    /** Ends as Spring Boot's test for environment variables expects, so that relaxed binding applies. */
    static final String SOURCE = "secretFiles-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME;

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!(environment.getPropertySources().get(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME)
                instanceof EnumerablePropertySource<?> variables)) {
            return;
        }
        Map<String, Object> secrets = new LinkedHashMap<>();
        for (String variable : variables.getPropertyNames()) {
            if (!variable.endsWith(SUFFIX) || PREFIXES.stream().noneMatch(variable::startsWith)) {
                continue;
            }
            String secret = variable.substring(0, variable.length() - SUFFIX.length());
            if (variables.containsProperty(secret)) {
                throw new IllegalStateException(variable + " and " + secret + " are both set: set only one of them");
            }
            secrets.put(secret, read(variable, String.valueOf(variables.getProperty(variable))));
        }
        if (!secrets.isEmpty()) {
            environment
                    .getPropertySources()
                    .addAfter(
                            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                            new SystemEnvironmentPropertySource(SOURCE, secrets));
        }
    }

    private static String read(String variable, String file) {
        try {
            return Files.readString(Path.of(file)).replaceFirst("[\\r\\n]+$", "");
        } catch (IOException | RuntimeException e) {
            // The exception's type only: its message could quote the file's content.
            throw new IllegalStateException(variable + " names a file that cannot be read: " + file + " ("
                    + e.getClass().getSimpleName() + ")");
        }
    }
}
