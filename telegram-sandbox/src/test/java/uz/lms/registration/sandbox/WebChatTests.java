package uz.lms.registration.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The web chat's JSON endpoints, as its page uses them. The page itself: {@link WebChatBrowserTests}. */
class WebChatTests {

    private static final String TOKEN = "123:sandbox-token";

    private final JsonMapper json = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newHttpClient();
    private final FakeTelegram telegram = new FakeTelegram();
    private final FakeTelegramServer server = FakeTelegramServer.start(telegram, TOKEN, 0);

    WebChatTests() {
        WebChat.serveOn(server);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void thePageIsServedAtTheRootBesideTheBotApi() throws Exception {
        HttpResponse<String> page = get("/");
        HttpResponse<String> me = get("/bot" + TOKEN + "/getMe");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(page.body()).contains("Telegram sandbox");
        assertThat(me.statusCode()).isEqualTo(200);
    }

    @Test
    void aSharedContactCarriesThePersonsOwnUserId() throws Exception {
        HttpResponse<String> answer = post(
                "/api/contact",
                "{\"user_id\":\"4242\",\"first_name\":\"Aziz\",\"language_code\":\"uz\",\"phone_number\":\"+998 90 123 45 67\"}");

        JsonNode update =
                json.readTree(get("/bot" + TOKEN + "/getUpdates").body()).at("/result/0/message");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(update.at("/contact/user_id").asLong()).isEqualTo(4242);
        assertThat(update.at("/from/id").asLong()).isEqualTo(4242);
        assertThat(update.at("/contact/phone_number").asString()).isEqualTo("+998 90 123 45 67");
        assertThat(update.at("/from/language_code").asString()).isEqualTo("uz");
    }

    @Test
    void typedTextBecomesAMessageUpdate() throws Exception {
        post("/api/messages", "{\"user_id\":4242,\"first_name\":\"Aziz\",\"text\":\"/start\"}");

        JsonNode update =
                json.readTree(get("/bot" + TOKEN + "/getUpdates").body()).at("/result/0/message");
        assertThat(update.at("/text").asString()).isEqualTo("/start");
        assertThat(update.at("/chat/type").asString()).isEqualTo("private");
        assertThat(update.at("/entities/0/type").asString()).isEqualTo("bot_command");
    }

    @Test
    void thePageReadsOnlyTheBotMessagesItHasNotSeen() throws Exception {
        post("/api/messages", "{\"user_id\":4242,\"text\":\"/start\"}");
        post("/bot" + TOKEN + "/sendMessage", "{\"chat_id\":4242,\"text\":\"Salom\"}");
        post(
                "/bot" + TOKEN + "/sendMessage",
                "{\"chat_id\":4242,\"text\":\"Tasdiqlash kodingiz: <code>348291</code>\","
                        + "\"parse_mode\":\"HTML\"}");
        int firstId = telegram.sentMessages(4242).getFirst().messageId();

        JsonNode all = json.readTree(get("/api/messages?user_id=4242").body()).get("messages");
        JsonNode unseen = json.readTree(
                        get("/api/messages?user_id=4242&after=" + firstId).body())
                .get("messages");

        assertThat(all).hasSize(2);
        assertThat(unseen).hasSize(1);
        assertThat(unseen.get(0).get("text").asString()).contains("<code>348291</code>");
        assertThat(unseen.get(0).get("parse_mode").asString()).isEqualTo("HTML");
    }

    @Test
    void malformedRequestsAreRefusedAndQueueNothing() throws Exception {
        HttpResponse<String> badPhone = post("/api/contact", "{\"user_id\":4242,\"phone_number\":\"call me\"}");
        HttpResponse<String> badUser = post("/api/messages", "{\"user_id\":\"-5\",\"text\":\"hi\"}");
        HttpResponse<String> emptyText = post("/api/messages", "{\"user_id\":4242,\"text\":\"  \"}");
        HttpResponse<String> notJson = post("/api/messages", "hello");
        HttpResponse<String> unknown = get("/nothing-here");

        assertThat(badPhone.statusCode()).isEqualTo(400);
        assertThat(json.readTree(badPhone.body()).get("error").asString()).contains("phone_number");
        assertThat(badUser.statusCode()).isEqualTo(400);
        assertThat(emptyText.statusCode()).isEqualTo(400);
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(telegram.pendingUpdateCount()).isZero();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(url(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(url(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI url(String path) {
        return URI.create(server.apiUrl() + path);
    }
}
