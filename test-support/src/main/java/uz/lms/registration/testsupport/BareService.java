package uz.lms.registration.testsupport;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/** A service with nothing of its own: what a library on its class path brings to every service that uses it. */
public final class BareService {

    private BareService() {}

    /** Started as a service is, with these command-line arguments; the caller closes it. */
    public static ConfigurableApplicationContext start(String... arguments) {
        return new SpringApplicationBuilder(Nothing.class)
                .web(WebApplicationType.NONE)
                .run(arguments);
    }

    @Configuration(proxyBeanMethods = false)
    static class Nothing {}
}
