package uz.lms.registration.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Comparator;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Puts the settings the services share behind all other sources: a service's {@code application.yml}, its
 * environment and its command line each override any of them. Each library on the class path that has some
 * brings its own file, {@code service-defaults/<library's subject>.yml}; no two set the same key.
 */
class ServiceDefaults implements EnvironmentPostProcessor {

    static final String FILES = "classpath*:service-defaults/*.yml";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        var loader = new YamlPropertySourceLoader();
        try {
            Resource[] files =
                    new PathMatchingResourcePatternResolver(application.getClassLoader()).getResources(FILES);
            Arrays.sort(files, Comparator.comparing(Resource::getFilename, Comparator.nullsFirst(String::compareTo)));
            for (Resource file : files) {
                loader.load("service defaults " + file.getFilename(), file)
                        .forEach(environment.getPropertySources()::addLast);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
