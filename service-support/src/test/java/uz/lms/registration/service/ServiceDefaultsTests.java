package uz.lms.registration.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import uz.lms.registration.testsupport.BareService;

/**
 * A service whose application.yml (in src/test/resources) sets one of the defaults itself, next to a library that
 * brings defaults of its own (service-defaults/library.yml there).
 */
class ServiceDefaultsTests {

    @Test
    void aServiceGetsTheDefaultsItDoesNotSetItself() {
        try (ConfigurableApplicationContext service = BareService.start()) {
            Environment settings = service.getEnvironment();
            assertThat(settings.getProperty("spring.kafka.producer.acks")).isEqualTo("all");
            assertThat(settings.getProperty("spring.kafka.producer.properties.linger.ms"))
                    .isEqualTo("0");
            assertThat(settings.getProperty("management.endpoints.web.exposure.include"))
                    .isEqualTo("health, prometheus");
            assertThat(settings.getProperty("logging.level.org.apache.kafka")).isEqualTo("WARN");
            assertThat(settings.getProperty("library.setting")).isEqualTo("the library's");
        }
    }

    @Test
    void aServicesOwnSettingOverridesADefault() {
        try (ConfigurableApplicationContext service = BareService.start()) {
            assertThat(service.getEnvironment().getProperty("spring.kafka.producer.value-serializer"))
                    .isEqualTo("org.apache.kafka.common.serialization.ByteArraySerializer");
        }
    }

    @Test
    void theEnvironmentOverridesADefault() {
        try (ConfigurableApplicationContext service =
                BareService.start("--spring.kafka.bootstrap-servers=broker:9092")) {
            assertThat(service.getEnvironment().getProperty("spring.kafka.bootstrap-servers"))
                    .isEqualTo("broker:9092");
        }
    }
}
