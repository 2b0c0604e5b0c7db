package uz.lms.registration.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.support.SpringFactoriesLoader;

/** A service's environment as compose's {@code secrets:} leave it: variables that name files. */
class SecretFilesTests {

    @TempDir
    Path secrets;

    @Test
    void aVariableNamingAFileSetsTheSettingToItsContentAsTheEnvironmentWould() throws IOException {
        StandardEnvironment environment = withVariables(Map.of(
                "SPRING_DATASOURCE_PASSWORD_FILE", secret("postgres-app-password", "app-password\n"),
                "LMS_KAFKA_PASSWORD_FILE", secret("kafka-password", "kafka-password\r\n"),
                "SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG",
                        "ScramLoginModule required password=\"${LMS_KAFKA_PASSWORD}\";"));

        assertThat(environment.getProperty("spring.datasource.password")).isEqualTo("app-password");
        assertThat(Binder.get(environment)
                        .bind("spring.datasource.password", String.class)
                        .get())
                .isEqualTo("app-password");
        assertThat(environment.getProperty("spring.kafka.properties.sasl.jaas.config"))
                .isEqualTo("ScramLoginModule required password=\"kafka-password\";");
    }

    @Test
    void aMachinesOwnFileVariablesAreLeftAlone() {
        StandardEnvironment environment =
                withVariables(Map.of("SSL_CERT_FILE", secrets.resolve("none").toString()));

        assertThat(environment.getProperty("SSL_CERT")).isNull();
    }

    @Test
    void aSecretSetBothInTheEnvironmentAndByFileStopsTheStart() throws IOException {
        Map<String, Object> variables = Map.of(
                "VERIFICATION_CODE_SECRET", "one", "VERIFICATION_CODE_SECRET_FILE", secret("code-secret", "another"));

        assertThatThrownBy(() -> withVariables(variables))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("VERIFICATION_CODE_SECRET_FILE and VERIFICATION_CODE_SECRET are both set");
    }

    @Test
    void aFileThatCannotBeReadStopsTheStartNamingTheVariable() {
        Map<String, Object> variables =
                Map.of("GATEWAY_API_KEY_FILE", secrets.resolve("missing").toString());

        assertThatThrownBy(() -> withVariables(variables))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("GATEWAY_API_KEY_FILE names a file that cannot be read");
    }

    @Test
    void everyServiceReadsSecretFiles() {
        assertThat(SpringFactoriesLoader.forDefaultResourceLocation()
                        .load(
                                EnvironmentPostProcessor.class,
                                null,
                                SpringFactoriesLoader.FailureHandler.handleMessage((message, failure) -> {})))
                .hasAtLeastOneElementOfType(SecretFiles.class);
    }

    private String secret(String name, String content) throws IOException {
        return Files.writeString(secrets.resolve(name), content).toString();
    }

    private static StandardEnvironment withVariables(Map<String, Object> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        environment
                .getPropertySources()
                .replace(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        new SystemEnvironmentPropertySource(
                                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new HashMap<>(variables)));
        new SecretFiles().postProcessEnvironment(environment, new SpringApplication());
        return environment;
    }
}
