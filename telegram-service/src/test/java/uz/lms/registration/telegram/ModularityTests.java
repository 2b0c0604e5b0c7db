package uz.lms.registration.telegram;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

/** Each feature package is a module: no cycles between them, and none reaches into another's internals. */
class ModularityTests {

    @Test
    void modulesDependOnEachOtherOnlyThroughTheirApis() {
        ApplicationModules.of(TelegramServiceApplication.class).verify();
    }
}
