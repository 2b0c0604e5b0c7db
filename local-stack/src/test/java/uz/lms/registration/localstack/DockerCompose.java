package uz.lms.registration.localstack;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * compose.yaml as a user drives it, under a project name of its own: Docker Compose v2
 * ({@code docker compose}), or Debian's v1 ({@code docker-compose}) where that is all there is.
 */
final class DockerCompose {

    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(30);

    private final List<String> command;
    private final boolean v2;
    private final Path directory;
    private final String project;
    private final Map<String, String> environment;

    private DockerCompose(List<String> command, Path directory, String project, Map<String, String> environment) {
        this.command = command;
        this.v2 = command.size() == 2;
        this.directory = directory;
        this.project = project;
        this.environment = environment;
    }

    /**
     * Compose for {@code directory}'s compose.yaml, or why there is none: Docker's engine must answer and one
     * of the two compose commands must run.
     */
    static Availability find(Path directory, String project, Map<String, String> environment) {
        Result info = run(directory, Map.of(), Duration.ofSeconds(60), "docker", "info");
        if (!info.succeeded()) {
            return new Availability(null, "Docker's engine does not answer (docker info: " + info.lastLine() + ")");
        }
        for (List<String> candidate : List.of(List.of("docker", "compose"), List.of("docker-compose"))) {
            List<String> version = new ArrayList<>(candidate);
            version.add("version");
            if (run(directory, Map.of(), Duration.ofSeconds(60), version.toArray(String[]::new))
                    .succeeded()) {
                return new Availability(new DockerCompose(candidate, directory, project, environment), null);
            }
        }
        return new Availability(null, "neither 'docker compose' (v2) nor 'docker-compose' (v1) runs here");
    }

    record Availability(DockerCompose compose, String whyNot) {}

    String version() {
        return v2 ? "docker compose (v2)" : "docker-compose (v1)";
    }

    /** {@code up --wait}: v1 has no --wait, so its health checks are watched instead. */
    Result upAndWait(Duration patience, String... arguments) {
        List<String> up = new ArrayList<>(List.of("up", "--detach"));
        if (v2) {
            up.add("--wait");
        }
        up.addAll(List.of(arguments));
        Result result = run(patience, up.toArray(String[]::new));
        if (v2 || !result.succeeded()) {
            return result;
        }
        await().atMost(patience).pollInterval(Duration.ofSeconds(2)).until(this::everyContainerReady);
        return result;
    }

    /** Every container running and healthy where it has a health check; a one-shot one exited with 0. */
    private boolean everyContainerReady() {
        Result ids = run(Duration.ofSeconds(60), "ps", "--all", "--quiet");
        for (String id : ids.output().strip().split("\\s+")) {
            Result state = DockerCompose.run(
                    directory,
                    Map.of(),
                    Duration.ofSeconds(60),
                    "docker",
                    "inspect",
                    "--format",
                    "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.State.ExitCode}}",
                    id);
            String[] fields = state.output().strip().split(" ");
            boolean ready = switch (fields[0]) {
                case "running" -> !fields[1].equals("starting") && !fields[1].equals("unhealthy");
                case "exited" -> fields[2].equals("0");
                default -> false;
            };
            if (!ready) {
                if (fields[0].equals("exited")) {
                    throw new IllegalStateException("container " + id + " exited with " + fields[2]);
                }
                return false;
            }
        }
        return true;
    }

    Result run(Duration timeout, String... arguments) {
        List<String> full = new ArrayList<>(command);
        full.addAll(List.of(
                "--project-name",
                project,
                "--file",
                directory.resolve("compose.yaml").toString()));
        full.addAll(List.of(arguments));
        return run(directory, environment, timeout, full.toArray(String[]::new));
    }

    Result run(String... arguments) {
        return run(COMMAND_TIMEOUT, arguments);
    }

    /** Restarts one of the service's containers ({@code restart} has no {@code --index}: it restarts them all). */
    Result restartOne(String service) {
        String one = run(Duration.ofSeconds(60), "ps", "--quiet", service)
                .output()
                .strip()
                .split("\\s+")[0];
        return run(directory, Map.of(), COMMAND_TIMEOUT, "docker", "restart", one);
    }

    /** Output of a command in one of the service's containers (1-based {@code index}). */
    Result exec(String service, int index, String... command) {
        List<String> arguments = new ArrayList<>(List.of("exec", "-T", "--index", String.valueOf(index), service));
        arguments.addAll(List.of(command));
        return run(Duration.ofSeconds(60), arguments.toArray(String[]::new));
    }

    /** The environment of every container of the project, as {@code docker inspect} shows it to whoever may run it. */
    String containersEnvironments() {
        List<String> inspect = new ArrayList<>(List.of("docker", "inspect", "--format", "{{json .Config.Env}}"));
        run(directory, Map.of(), Duration.ofSeconds(60), "docker", "ps", "--all", "--quiet", "--filter", projectLabel())
                .output()
                .lines()
                .filter(line -> !line.isBlank())
                .forEach(inspect::add);
        return run(directory, Map.of(), Duration.ofSeconds(60), inspect.toArray(String[]::new))
                .output();
    }

    /** What Docker still holds of the project: containers, volumes, networks. */
    List<String> leftovers() {
        List<String> left = new ArrayList<>();
        String label = projectLabel();
        for (List<String> listing : List.of(
                List.of("docker", "ps", "--all", "--quiet", "--filter", label),
                List.of("docker", "volume", "ls", "--quiet", "--filter", label),
                List.of("docker", "network", "ls", "--quiet", "--filter", label))) {
            Result result = run(directory, Map.of(), Duration.ofSeconds(60), listing.toArray(String[]::new));
            result.output()
                    .lines()
                    .filter(line -> !line.isBlank())
                    .map(id -> listing.get(1) + " " + id)
                    .forEach(left::add);
        }
        return left;
    }

    private String projectLabel() {
        return "label=com.docker.compose.project=" + project;
    }

    private static Result run(Path directory, Map<String, String> environment, Duration timeout, String... command) {
        Instant start = Instant.now();
        try {
            Path output = Files.createTempFile("docker-compose", ".out");
            try {
                ProcessBuilder builder = new ProcessBuilder(command)
                        .directory(directory.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile());
                Map<String, String> env = new HashMap<>(builder.environment());
                // The machine's own settings must not leak into the stack under test.
                env.keySet()
                        .removeIf(name ->
                                name.matches("(SPRING|TELEGRAM|GATEWAY|VERIFICATION|POSTGRES|KAFKA|LMS|COMPOSE)_.*"));
                env.putAll(environment);
                builder.environment().clear();
                builder.environment().putAll(env);
                Process process = builder.start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor();
                    return new Result(
                            -1,
                            Files.readString(output) + "\n(timed out after " + timeout + ")",
                            Duration.between(start, Instant.now()));
                }
                return new Result(
                        process.exitValue(), Files.readString(output), Duration.between(start, Instant.now()));
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            return new Result(-1, String.valueOf(e), Duration.between(start, Instant.now()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted", Duration.between(start, Instant.now()));
        }
    }

    record Result(int exitCode, String output, Duration took) {

        boolean succeeded() {
            return exitCode == 0;
        }

        String lastLine() {
            String text = output.strip();
            return text.substring(text.lastIndexOf('\n') + 1);
        }
    }
}
