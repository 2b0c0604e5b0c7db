package uz.lms.registration.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class FakeTelegramServerTests {

    private static final String TOKEN = "123:sandbox-token";
    private static final TelegramUser ALICE = new TelegramUser(1001, "Alice", "en");

    private final JsonMapper json = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newHttpClient();
    private final FakeTelegram telegram = new FakeTelegram();
    private final FakeTelegramServer server = FakeTelegramServer.start(telegram, TOKEN, 0);

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aWrongTokenIsUnauthorized() throws Exception {
        HttpResponse<String> response = post("/botnot-the-token/getMe", "{}");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(json.readTree(response.body()).get("description").asString()).isEqualTo("Unauthorized");
    }

    @Test
    void methodNamesAreCaseInsensitive() throws Exception {
        JsonNode me = call("getme", "{}");

        assertThat(me.get("ok").asBoolean()).isTrue();
        assertThat(me.get("result").get("is_bot").asBoolean()).isTrue();
        assertThat(call("DELETEWEBHOOK", "{}").get("result").asBoolean()).isTrue();
    }

    @Test
    void userMessagesBecomeUpdatesUntilAnOffsetConfirmsThem() throws Exception {
        PrivateChat chat = telegram.privateChat(ALICE);
        int start = chat.start();
        chat.shareOwnContact("998901234567");

        JsonNode first = call("getUpdates", "{\"offset\":0,\"timeout\":0}").get("result");
        JsonNode rest = call("getUpdates", "{\"offset\":" + (start + 1) + ",\"timeout\":0}")
                .get("result");

        assertThat(first).hasSize(2);
        assertThat(first.get(0).at("/message/text").asString()).isEqualTo("/start");
        assertThat(first.get(0).at("/message/entities/0/type").asString()).isEqualTo("bot_command");
        assertThat(first.get(0).at("/message/from/language_code").asString()).isEqualTo("en");
        assertThat(rest).hasSize(1);
        assertThat(rest.get(0).at("/message/contact/user_id").asLong()).isEqualTo(ALICE.id());
        assertThat(telegram.pendingUpdateCount()).isEqualTo(1);
    }

    @Test
    void aLongPollReturnsAsSoonAsAnUpdateArrives() {
        PrivateChat chat = telegram.privateChat(ALICE);
        CompletableFuture<JsonNode> poll = CompletableFuture.supplyAsync(() -> {
            try {
                return call("getupdates", "{\"offset\":1,\"timeout\":30}");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().until(() -> telegram.getUpdatesInFlight() == 1);

        chat.sendText("hello");

        JsonNode updates = poll.orTimeout(5, TimeUnit.SECONDS).join().get("result");
        assertThat(updates.get(0).at("/message/text").asString()).isEqualTo("hello");
        assertThat(telegram.getUpdatesInFlight()).isZero();
    }

    @Test
    void sentMessagesAreRecordedWithTheirKeyboard() throws Exception {
        PrivateChat chat = telegram.privateChat(ALICE);

        JsonNode answer = call(
                "sendmessage",
                "{\"chat_id\":1001,\"text\":\"Share your number\",\"reply_markup\":"
                        + "{\"keyboard\":[[{\"text\":\"Share\",\"request_contact\":true}]],\"one_time_keyboard\":true}}");

        assertThat(answer.at("/result/chat/id").asLong()).isEqualTo(1001);
        assertThat(chat.lastMessage().text()).isEqualTo("Share your number");
        assertThat(chat.lastMessage().requestsContact()).isTrue();
    }

    @Test
    void formParametersWorkToo() throws Exception {
        PrivateChat chat = telegram.privateChat(ALICE);

        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(url("/bot" + TOKEN + "/sendMessage"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("chat_id=1001&text=hi%20there&parse_mode=HTML"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(chat.lastMessage().text()).isEqualTo("hi there");
        assertThat(chat.lastMessage().parseMode()).isEqualTo("HTML");
    }

    @Test
    void aMessageKeepsTheTraceContextItsRequestCarried() throws Exception {
        PrivateChat chat = telegram.privateChat(ALICE);
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

        http.send(
                HttpRequest.newBuilder(url("/bot" + TOKEN + "/sendMessage"))
                        .header("Content-Type", "application/json")
                        .header("traceparent", traceparent)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"chat_id\":1001,\"text\":\"traced\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        post("/bot" + TOKEN + "/sendMessage", "{\"chat_id\":1001,\"text\":\"untraced\"}");

        assertThat(chat.messages())
                .extracting(SentMessage::text, SentMessage::traceparent)
                .containsExactly(tuple("traced", traceparent), tuple("untraced", null));
    }

    @Test
    void aBlockedBotGetsForbidden() throws Exception {
        telegram.privateChat(ALICE).blockBot();

        HttpResponse<String> response = post("/bot" + TOKEN + "/sendMessage", "{\"chat_id\":1001,\"text\":\"hi\"}");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(json.readTree(response.body()).get("description").asString())
                .isEqualTo("Forbidden: bot was blocked by the user");
    }

    @Test
    void aRateLimitedChatAsksToRetryAfterAsManyTimesAsPlanned() throws Exception {
        PrivateChat chat = telegram.privateChat(ALICE);
        chat.rateLimit(2, 3);
        String hi = "{\"chat_id\":1001,\"text\":\"hi\"}";

        HttpResponse<String> first = post("/bot" + TOKEN + "/sendMessage", hi);
        HttpResponse<String> second = post("/bot" + TOKEN + "/sendMessage", hi);
        HttpResponse<String> third = post("/bot" + TOKEN + "/sendMessage", hi);

        assertThat(first.statusCode()).isEqualTo(429);
        assertThat(json.readTree(first.body()).at("/parameters/retry_after").asInt())
                .isEqualTo(3);
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(third.statusCode()).isEqualTo(200);
        assertThat(chat.messages()).hasSize(1);
    }

    @Test
    void anUnknownChatIsNotFound() throws Exception {
        HttpResponse<String> response = post("/bot" + TOKEN + "/sendMessage", "{\"chat_id\":42,\"text\":\"hi\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json.readTree(response.body()).get("description").asString())
                .isEqualTo("Bad Request: chat not found");
    }

    @Test
    void closingEndsParkedLongPolls() {
        CompletableFuture<HttpResponse<String>> poll = http.sendAsync(
                HttpRequest.newBuilder(url("/bot" + TOKEN + "/getUpdates?timeout=50"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        // Parked in the model, not merely sent: a poll refused at a closed port would end as well.
        await().until(() -> telegram.getUpdatesInFlight() == 1);

        server.close();

        // Well within the poll's 50 s: closing, not the poll's timeout, ended it, in the model and for the client.
        await().atMost(Duration.ofSeconds(5)).until(() -> telegram.getUpdatesInFlight() == 0 && poll.isDone());
    }

    private JsonNode call(String method, String body) throws Exception {
        return json.readTree(post("/bot" + TOKEN + "/" + method, body).body());
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
