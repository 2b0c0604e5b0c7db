package uz.lms.registration.localstack;

import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import uz.lms.registration.testsupport.SystemProcess;

/**
 * A real Prometheus server, the {@code prometheus} binary on the PATH (Debian's package; .ci/run installs it), with a
 * data folder and a free port of its own: it scrapes the actuators given, every second, and evaluates the rules
 * files given, so that a test can ask it what the dashboard and the alert rules ask.
 *
 * <p>A Prometheus older than 2.43 (Debian 12's is 2.42) refuses a whole scrape in OpenMetrics whose counters carry
 * exemplars, as Micrometer's do where tracing runs ("metric name ... does not support exemplars"), and cannot ask
 * for another format. Such a one scrapes each actuator through a proxy of the test's that asks for Prometheus's
 * text format, which has no exemplars.
 */
final class RealPrometheus implements AutoCloseable {

    private static final Pattern VERSION = Pattern.compile("version (\\d+)\\.(\\d+)");

    private final JsonMapper json = JsonMapper.builder().build();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port = SystemProcess.freePort();
    private final @Nullable HttpServer textFormat;
    private final Process process;

    /** Where Prometheus scrapes a job: {@code host:port} and the path. */
    private record Target(String address, String path) {}

    private RealPrometheus(Path binary, Path folder, Map<String, Integer> actuators, List<Path> ruleFiles)
            throws Exception {
        Map<String, Target> targets = new TreeMap<>();
        if (readsExemplars(binary)) {
            textFormat = null;
            actuators.forEach(
                    (job, actuator) -> targets.put(job, new Target("127.0.0.1:" + actuator, "/actuator/prometheus")));
        } else {
            HttpServer proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            actuators.forEach((job, actuator) -> {
                proxy.createContext("/" + job, exchange -> scrapeAsText(actuator, exchange));
                targets.put(job, new Target("127.0.0.1:" + proxy.getAddress().getPort(), "/" + job));
            });
            proxy.start();
            textFormat = proxy;
        }
        Path config = folder.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files: [%s]
                scrape_configs:
                %s""".formatted(
                        ruleFiles.stream().map(file -> "'" + file + "'").collect(Collectors.joining(", ")),
                        targets.entrySet().stream()
                                .map(target -> """
                                          - job_name: %s
                                            metrics_path: %s
                                            static_configs: [{targets: ['%s']}]
                                        """.formatted(
                                                target.getKey(),
                                                target.getValue().path(),
                                                target.getValue().address()))
                                .collect(Collectors.joining())));
        process = new ProcessBuilder(
                        binary.toString(),
                        "--config.file=" + config,
                        "--storage.tsdb.path=" + folder.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true)
                .redirectOutput(folder.resolve("prometheus.log").toFile())
                .start();
        await().atMost(WholeSystem.PATIENCE)
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> get("/-/ready").statusCode() == 200);
    }

    /** The {@code prometheus} binary on the PATH, if there is one. */
    static Optional<Path> binary() {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(dir -> Path.of(dir, "prometheus"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** Starts it in {@code folder}, scraping each actuator (job name: port on 127.0.0.1), evaluating the rules. */
    static RealPrometheus start(Path binary, Path folder, Map<String, Integer> actuators, List<Path> ruleFiles)
            throws Exception {
        return new RealPrometheus(binary, folder, actuators, ruleFiles);
    }

    /** {@code /api/v1/query} of {@code expr} now: the whole answer, {@code status} "success" or "error". */
    JsonNode query(String expr) throws Exception {
        return json.readTree(get("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8))
                .body());
    }

    /** {@code /api/v1/rules}: every rule with its health and last error. */
    JsonNode rules() throws Exception {
        return json.readTree(get("/api/v1/rules").body());
    }

    /** Whether this Prometheus is 2.43 or later, which reads exemplars on counters. */
    private static boolean readsExemplars(Path binary) throws IOException, InterruptedException {
        Process version = new ProcessBuilder(binary.toString(), "--version")
                .redirectErrorStream(true)
                .start();
        String output = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        version.waitFor(30, TimeUnit.SECONDS);
        Matcher matcher = VERSION.matcher(output);
        if (!matcher.find()) {
            throw new IllegalStateException("no version in " + binary + " --version: " + output);
        }
        int major = Integer.parseInt(matcher.group(1));
        return major > 2 || (major == 2 && Integer.parseInt(matcher.group(2)) >= 43);
    }

    /** Answers with the actuator's metrics in Prometheus's text format. */
    private void scrapeAsText(int actuator, HttpExchange exchange) throws IOException {
        try {
            HttpResponse<byte[]> scraped = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + actuator + "/actuator/prometheus"))
                            .header("Accept", "text/plain;version=0.0.4")
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            scraped.headers()
                    .firstValue("Content-Type")
                    .ifPresent(type -> exchange.getResponseHeaders().set("Content-Type", type));
            exchange.sendResponseHeaders(scraped.statusCode(), scraped.body().length);
            exchange.getResponseBody().write(scraped.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.sendResponseHeaders(502, -1);
        } finally {
            exchange.close();
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        if (textFormat != null) {
            textFormat.stop(0);
        }
    }
}
