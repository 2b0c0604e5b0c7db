package uz.lms.registration.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import uz.lms.registration.testsupport.EmbeddedInfrastructure;

/** One gateway instance on the embedded broker, on a random port, driven over real HTTP. */
final class RunningGateway implements AutoCloseable {

    /** As long as production requires. */
    static final String API_KEY = "integration-test-key-of-32-chars";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ConfigurableApplicationContext context;
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final URI root;

    private RunningGateway(ConfigurableApplicationContext context) {
        this.context = context;
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        this.root = URI.create("http://localhost:" + port);
    }

    /**
     * A gateway that requires {@link #API_KEY} unless the properties set another {@code gateway.api-key}, plus any
     * further properties. They are passed as command-line arguments: default properties would rank below the
     * service's own application.yml.
     */
    static RunningGateway start(String... properties) {
        return start(new SpringApplication(GatewayServiceApplication.class), properties);
    }

    /**
     * As {@link #start(String...)}, with these variables in the process environment as the gateway reads it: there
     * from before the context is refreshed, when the web server is made.
     */
    static RunningGateway startWithEnvironment(Map<String, String> variables, String... properties) {
        SpringApplication application = new SpringApplication(GatewayServiceApplication.class);
        application.addInitializers(context -> {
            ConfigurableEnvironment environment = context.getEnvironment();
            Map<String, Object> all = new HashMap<>(environment.getSystemEnvironment());
            all.putAll(variables);
            environment
                    .getPropertySources()
                    .replace(
                            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                            new SystemEnvironmentPropertySource(
                                    StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, all));
        });
        return start(application, properties);
    }

    private static RunningGateway start(SpringApplication application, String... properties) {
        List<String> all = new ArrayList<>(List.of(
                "server.port=0", "spring.kafka.bootstrap-servers=" + EmbeddedInfrastructure.bootstrapServers()));
        if (Arrays.stream(properties).noneMatch(property -> property.startsWith("gateway.api-key="))) {
            all.add("gateway.api-key=" + API_KEY);
        }
        all.addAll(List.of(properties));
        return new RunningGateway(
                application.run(all.stream().map(property -> "--" + property).toArray(String[]::new)));
    }

    Response register(long telegramId, String phoneNumber) {
        return post("/register", "{\"telegram_id\": " + telegramId + ", \"phone_number\": \"" + phoneNumber + "\"}");
    }

    Response verify(long telegramId, String code) {
        return post("/verify", "{\"telegram_id\": " + telegramId + ", \"verification_code\": \"" + code + "\"}");
    }

    Response post(String path, String json) {
        return send(request(path)
                .header("Content-Type", "application/json")
                .header("X-API-Key", API_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response =
                    http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            return new Response(
                    response.statusCode(),
                    response.headers().firstValue("Retry-After"),
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpRequest.Builder request(String path) {
        // Not root.resolve(path): "//register" would name a host.
        return HttpRequest.newBuilder(URI.create(root + path));
    }

    Response get(String path) {
        return send(request(path).GET());
    }

    /**
     * Writes a request byte for byte, past the checks of any HTTP client, ends the output and returns all the
     * gateway sends until it closes the connection: status line, headers and body as they came.
     */
    String raw(String request) {
        try (Socket socket = new Socket(root.getHost(), root.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.shutdownOutput();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ConfigurableApplicationContext context() {
        return context;
    }

    @Override
    public void close() {
        context.close();
    }

    record Response(int status, Optional<String> retryAfter, String contentType, String body) {

        JsonNode json() {
            return JSON.readTree(body);
        }

        String detail() {
            return json().get("detail").asString();
        }
    }
}
