package uz.lms.registration.testsupport;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.Reader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One process of the system, started as an operator starts it: a JVM running a module's exec jar (or, in a
 * module's own tests before {@code package}, a main class on the test's class path), with settings of its own
 * and its output appended to a log file. The tests that crash and restart the system share it: it waits for
 * readiness, SIGKILLs, SIGTERMs and reads the log.
 */
public final class SystemProcess implements AutoCloseable {

    /** The repository: tests run in their module's folder. */
    public static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    /** Quick to start and small, on a machine that runs several of them beside a build. */
    private static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx384m");

    /** The system's own settings in the test's environment must not reach the process: only those given do. */
    private static final String SETTINGS = "(SPRING|TELEGRAM|GATEWAY|VERIFICATION|LOCAL_STACK|SERVER)_.*";

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final Path log;

    private SystemProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** {@code <module>/target/*-exec.jar}, which {@code ./mvnw package} builds. */
    public static Path execJar(String module) {
        try (Stream<Path> files = Files.list(ROOT.resolve(module).resolve("target"))) {
            return files.filter(file -> file.getFileName().toString().endsWith("-exec.jar"))
                    .findFirst()
                    .orElseThrow();
        } catch (IOException | RuntimeException none) {
            throw new IllegalStateException(module + "/target/*-exec.jar: build with ./mvnw package first", none);
        }
    }

    /** {@code java -jar <module's exec jar> <args>} with {@code settings} as its environment. */
    public static SystemProcess startJar(String module, Path log, Map<String, String> settings, String... args) {
        return start(
                log, settings, Stream.concat(Stream.of("-jar", execJar(module).toString()), Stream.of(args)));
    }

    /** {@code mainClass} on this JVM's class path, in a JVM of its own. */
    public static SystemProcess startMain(Class<?> mainClass, Path log, Map<String, String> settings, String... args) {
        return start(
                log,
                settings,
                Stream.concat(
                        Stream.of("-cp", System.getProperty("java.class.path"), mainClass.getName()), Stream.of(args)));
    }

    private static SystemProcess start(Path log, Map<String, String> settings, Stream<String> command) {
        List<String> line = new ArrayList<>();
        line.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        line.addAll(JVM_OPTIONS);
        command.forEach(line::add);
        ProcessBuilder builder = new ProcessBuilder(line)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(variable -> variable.matches(SETTINGS));
        builder.environment().putAll(settings);
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            return new SystemProcess(builder.start(), log);
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + line, e);
        }
    }

    /** Until {@code /actuator/health/readiness} on {@code port} answers 200. */
    public void awaitReady(int port, Duration atMost) {
        HttpRequest readiness = HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(5))
                .build();
        await().atMost(atMost)
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> {
                    requireAlive();
                    return HTTP.send(readiness, HttpResponse.BodyHandlers.discarding())
                                    .statusCode()
                            == 200;
                });
    }

    /** Until the process has written {@code file}, settings as {@code NAME=value} lines, and returns them. */
    public Properties awaitSettings(Path file, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(100)).until(() -> {
            requireAlive();
            return Files.exists(file);
        });
        Properties settings = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            settings.load(reader);
        } catch (IOException e) {
            throw new IllegalStateException("could not read " + file, e);
        }
        return settings;
    }

    /** SIGKILL, as a crash or the OOM killer would: nothing of the process runs after it. */
    public void kill() {
        process.destroyForcibly();
        waitForExit();
    }

    /**
     * SIGTERM, as an operator stops it, and SIGKILL after a minute.
     *
     * @return whether it stopped on the SIGTERM
     */
    public boolean stop() {
        process.destroy();
        try {
            if (process.waitFor(60, TimeUnit.SECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill();
        return false;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** Lines in the log so far: what a fault made a process write is the difference. */
    public long logLines() {
        try (Stream<String> lines = Files.lines(log)) {
            return lines.count();
        } catch (IOException e) {
            throw new IllegalStateException("could not read " + log, e);
        }
    }

    /** Stops it if it still runs. */
    @Override
    public void close() {
        if (process.isAlive()) {
            stop();
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    private void requireAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException("the process exited (" + process.exitValue() + "); see " + log);
        }
    }

    private void waitForExit() {
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
