package uz.lms.registration.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import uz.lms.registration.gateway.RunningGateway.Response;

/**
 * Requests the gateway answers by itself, never reaching verification-service: without the API key, with an
 * invalid or broken body, to an unknown path or method, or refused by Tomcat; each gets a detail in FastAPI's
 * shape, never a 5xx, and sends nothing.
 */
class GatewayBadRequestsTests extends FakeVerifierGatewayTest {

    @Test
    void withoutTheApiKeyNothingIsSent() {
        long user = newTelegramId();
        for (String path : List.of("/register", "/verify")) {
            for (String key : List.of("", "wrong-key")) {
                HttpRequest.Builder request = gateway.request(path)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"telegram_id\": " + user + ", \"phone_number\": \"+998901234567\"}"));
                if (!key.isEmpty()) {
                    request.header("X-API-Key", key);
                }

                Response response = gateway.send(request);

                assertThat(response.status()).isEqualTo(401);
                assertThat(response.json().toString()).isEqualTo("{\"detail\":\"Not authenticated\"}");
            }
        }
        for (String path : List.of("/register;x=1", "/regist%65r", "//register", "/verify/../register")) {
            Response response = gateway.send(gateway.request(path)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"telegram_id\": " + user + ", \"phone_number\": \"+998901234567\"}")));
            assertThat(response.status()).as(path).isIn(400, 401, 404);
        }
        // The fake records what it reads on a thread of its own: a command sent would show within a second.
        await("no command sent without the API key")
                .during(Duration.ofSeconds(1))
                .until(() -> verifier.registrations(user).isEmpty()
                        && verifier.verifications(user).isEmpty());
    }

    @Test
    void invalidBodiesAreValidationErrorsInFastApisShape() {
        record Case(String path, String contentType, String body, String type) {}
        for (Case bad : List.of(
                new Case("/register", "application/json", "{\"telegram_id\": 1,", "json_invalid"),
                new Case(
                        "/register",
                        "text/plain",
                        "{\"telegram_id\": 1, \"phone_number\": \"+998901234567\"}",
                        "model_attributes_type"),
                new Case("/register", "application/json", "{\"phone_number\": \"+998901234567\"}", "missing"),
                new Case(
                        "/register",
                        "application/json",
                        "{\"telegram_id\": 1.5, \"phone_number\": \"+998901234567\"}",
                        "int_type"),
                new Case(
                        "/register",
                        "application/json",
                        "{\"telegram_id\": \"1\", \"phone_number\": \"+998901234567\"}",
                        "int_type"),
                new Case(
                        "/register",
                        "application/json",
                        "{\"telegram_id\": 0, \"phone_number\": \"+998901234567\"}",
                        "greater_than_equal"),
                new Case(
                        "/register",
                        "application/json",
                        "{\"telegram_id\": 9223372036854775808, \"phone_number\": \"+998901234567\"}",
                        "less_than_equal"),
                new Case(
                        "/register",
                        "application/json",
                        "{\"telegram_id\": 1, \"phone_number\": \"12345\"}",
                        "value_error"),
                new Case(
                        "/register",
                        "application/json",
                        "{\"telegram_id\": 1, \"phone_number\": \"+998901234567\", \"x\": 1}",
                        "extra_forbidden"),
                new Case(
                        "/verify",
                        "application/json",
                        "{\"telegram_id\": 1, \"verification_code\": \"12345\"}",
                        "string_pattern_mismatch"),
                new Case(
                        "/verify",
                        "application/json",
                        "{\"telegram_id\": 1, \"verification_code\": 123456}",
                        "string_type"))) {
            Response response = gateway.send(gateway.request(bad.path())
                    .header("Content-Type", bad.contentType())
                    .header("X-API-Key", RunningGateway.API_KEY)
                    .POST(HttpRequest.BodyPublishers.ofString(bad.body())));

            assertThat(response.status()).as(bad.body()).isEqualTo(422);
            assertThat(response.json().get("detail").get(0).get("type").asString())
                    .as(bad.body())
                    .isEqualTo(bad.type());
            assertThat(response.json().get("detail").get(0).get("loc").get(0).asString())
                    .isEqualTo("body");
        }
    }

    @Test
    void unknownPathsAndMethodsAnswerWithADetail() {
        Response notFound = gateway.post("/users", "{}");
        Response notAllowed = gateway.get("/verify");

        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.json().toString()).isEqualTo("{\"detail\":\"Not Found\"}");
        assertThat(notAllowed.status()).isEqualTo(405);
        assertThat(notAllowed.json().toString()).isEqualTo("{\"detail\":\"Method Not Allowed\"}");
    }

    @Test
    void theContainersOwnErrorsAnswerWithADetail() {
        Response directGet = gateway.get("/error");
        Response directPost = gateway.post("/error", "{}");
        Response trace =
                gateway.send(gateway.request("/register").method("TRACE", HttpRequest.BodyPublishers.noBody()));

        for (Response direct : List.of(directGet, directPost)) {
            assertThat(direct.status()).isEqualTo(404);
            assertThat(direct.json().toString()).isEqualTo("{\"detail\":\"Not Found\"}");
        }
        assertThat(trace.status()).isEqualTo(405);
        assertThat(trace.contentType()).startsWith("application/json");
        assertThat(trace.json().toString()).isEqualTo("{\"detail\":\"Method Not Allowed\"}");
    }

    @Test
    void aBrokenBodyIsABadRequestWithADetail() {
        long user = newTelegramId();
        String head = "POST /register HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" + "X-API-Key: "
                + RunningGateway.API_KEY + "\r\n";
        String body = "{\"telegram_id\": " + user + ", \"phone_number\": \"+998901234567\"}";
        String shorterThanDeclared = gateway.raw(head + "Content-Length: " + (body.length() + 10) + "\r\n\r\n" + body);
        String malformedChunks =
                gateway.raw(head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + body + "\r\n0\r\n\r\n");

        for (String response : List.of(shorterThanDeclared, malformedChunks)) {
            assertThat(response)
                    .startsWith("HTTP/1.1 400 ")
                    .containsIgnoringCase("\r\nContent-Type: application/json")
                    .contains("{\"detail\":\"Bad Request\"}");
        }
        await("no command sent for a broken body")
                .during(Duration.ofSeconds(1))
                .until(() -> verifier.registrations(user).isEmpty());
    }

    @Test
    void requestsTomcatRefusesBeforeAnyServletGetADetailAndNever5xx() {
        List<String> refused = List.of(
                gateway.raw("GET /register HTTP/2.0\r\nHost: localhost\r\n\r\n"),
                gateway.raw("GET /a%2fb HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"),
                gateway.raw("GET /register HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n"));

        for (String response : refused) {
            assertThat(response)
                    .startsWith("HTTP/1.1 400 ")
                    .containsIgnoringCase("\r\nContent-Type: application/json")
                    .endsWith("{\"detail\":\"Bad Request\"}");
        }
    }

    @Test
    void aBurstOfHostileBodiesNeverGetsA5xx() throws Exception {
        List<CompletableFuture<Response>> responses = new ArrayList<>();
        List<CompletableFuture<Response>> anyAccept = new ArrayList<>();
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String body : HostileBodies.generate(new Random(20261125))) {
                for (String path : List.of("/register", "/verify")) {
                    responses.add(CompletableFuture.supplyAsync(() -> gateway.post(path, body), clients));
                }
            }
            for (String contentType : List.of(
                    "text/plain",
                    "application/xml",
                    "multipart/form-data; boundary=x",
                    "application/json; charset=utf-16",
                    "application/x-www-form-urlencoded",
                    "*/*",
                    "nonsense")) {
                responses.add(CompletableFuture.supplyAsync(
                        () -> gateway.send(gateway.request("/verify")
                                .header("Content-Type", contentType)
                                .header("X-API-Key", RunningGateway.API_KEY)
                                .POST(HttpRequest.BodyPublishers.ofString("telegram_id=1&verification_code=348291"))),
                        clients));
            }
            for (String accept : List.of(
                    "text/html",
                    "application/xml",
                    "application/problem+json",
                    "text/plain",
                    "nonsense",
                    "*/*;q=oops")) {
                anyAccept.add(CompletableFuture.supplyAsync(
                        () -> gateway.send(gateway.request("/verify")
                                .header("Content-Type", "application/json")
                                .header("Accept", accept)
                                .header("X-API-Key", RunningGateway.API_KEY)
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"telegram_id\": 1, \"verification_code\": \"1\"}"))),
                        clients));
            }
            for (String method : List.of("PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE")) {
                responses.add(CompletableFuture.supplyAsync(
                        () -> gateway.send(
                                gateway.request("/register").method(method, HttpRequest.BodyPublishers.noBody())),
                        clients));
            }
        }

        assertThat(responses).hasSizeGreaterThan(300).allSatisfy(future -> {
            Response response = future.get();
            assertThat(response.status()).as(response.body()).isLessThan(500);
        });
        // FastAPI ignores Accept: whatever the client accepts, the answer is JSON.
        assertThat(anyAccept).allSatisfy(future -> {
            Response response = future.get();
            assertThat(response.status()).as(response.body()).isEqualTo(422);
            assertThat(response.contentType()).startsWith("application/json");
            assertThat(response.json().get("detail").get(0).get("type").asString())
                    .isEqualTo("string_pattern_mismatch");
        });
    }
}
