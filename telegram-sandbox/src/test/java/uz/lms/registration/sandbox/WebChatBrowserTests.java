package uz.lms.registration.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import uz.lms.registration.testsupport.Prerequisite;

/**
 * A person uses the web chat in a real headless Chromium while the test plays the bot through the Bot API.
 * Needs Debian's {@code chromium} and {@code chromium-driver}; without them the test is skipped, or fails under
 * {@code CI=true}.
 */
class WebChatBrowserTests {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String TOKEN = "123:sandbox-token";
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private final JsonMapper json = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newHttpClient();
    private final FakeTelegram telegram = new FakeTelegram();
    private final FakeTelegramServer server = FakeTelegramServer.start(telegram, TOKEN, 0);
    private int nextUpdate;
    private WebDriver browser;

    @BeforeEach
    void openTheChat(@TempDir Path profile) {
        Prerequisite.require(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "no " + CHROMIUM + " or " + CHROMEDRIVER + " (apt-get install chromium chromium-driver)");
        WebChat.serveOn(server);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile,
                "--window-size=900,900");
        browser = new ChromeDriver(
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(CHROMEDRIVER.toFile())
                        .usingAnyFreePort()
                        .build(),
                options);
        browser.get(server.apiUrl() + "/");
        WebElement userId = browser.findElement(By.id("user-id"));
        userId.clear();
        userId.sendKeys("424242");
        WebElement phone = browser.findElement(By.id("phone"));
        phone.clear();
        phone.sendKeys("+998901234567");
        browser.findElement(By.id("first-name")).click();
    }

    @AfterEach
    void close() {
        if (browser != null) {
            browser.quit();
        }
        server.close();
    }

    @Test
    void aPersonStartsSharesTheirContactReadsTheCodeAndSendsItBack() throws Exception {
        browser.findElement(By.id("start")).click();
        JsonNode start = nextMessage();
        assertThat(start.get("text").asString()).isEqualTo("/start");
        assertThat(start.at("/from/id").asLong()).isEqualTo(424242);

        botSends("{\"chat_id\":424242,\"text\":\"Raqamingizni yuboring\",\"reply_markup\":{\"keyboard\":"
                + "[[{\"text\":\"Raqamni yuborish\",\"request_contact\":true}]],\"one_time_keyboard\":true}}");
        await().atMost(PATIENCE)
                .until(() -> !browser.findElements(By.cssSelector("button.share-contact"))
                        .isEmpty());
        browser.findElement(By.cssSelector("button.share-contact")).click();
        JsonNode contact = nextMessage();
        assertThat(contact.at("/contact/user_id").asLong()).isEqualTo(424242);
        assertThat(contact.at("/from/id").asLong()).isEqualTo(424242);
        assertThat(contact.at("/contact/phone_number").asString()).isEqualTo("+998901234567");
        assertThat(browser.findElement(By.id("keyboard")).isDisplayed()).isFalse();

        // Telegram reads parse_mode case-insensitively, and the bot client sends "html".
        botSends("{\"chat_id\":424242,\"text\":\"Tasdiqlash kodingiz: <code>348291</code>\",\"parse_mode\":\"html\"}");
        await().atMost(PATIENCE)
                .until(() -> !browser.findElements(By.cssSelector(".message.bot code"))
                        .isEmpty());
        WebElement code = browser.findElement(By.cssSelector(".message.bot code"));
        assertThat(code.getText()).isEqualTo("348291");
        code.click();
        browser.findElement(By.id("send")).click();
        assertThat(nextMessage().get("text").asString()).isEqualTo("348291");
        assertThat(texts(".message.me")).containsExactly("/start", "📞 Sandbox user, +998901234567", "348291");
    }

    @Test
    void markupInABotMessageIsShownAsFormattingNeverRun() throws Exception {
        browser.findElement(By.id("start")).click();
        nextMessage();

        botSends(
                "{\"chat_id\":424242,\"parse_mode\":\"HTML\",\"text\":"
                        + "\"<b>bold</b> <img src=x onerror=\\\"document.title='pwned'\\\"><script>document.title='pwned'</script>\"}");

        await().atMost(PATIENCE)
                .until(() ->
                        !browser.findElements(By.cssSelector(".message.bot b")).isEmpty());
        assertThat(browser.findElement(By.cssSelector(".message.bot b")).getText())
                .isEqualTo("bold");
        assertThat(browser.findElements(By.cssSelector(".message.bot img, .message.bot script")))
                .isEmpty();
        assertThat(browser.getTitle()).isEqualTo("Telegram sandbox: chat with the bot");
    }

    /** The bot's next {@code getUpdates}, as the real bot client polls it. */
    private JsonNode nextMessage() {
        return await().atMost(PATIENCE)
                .until(
                        () -> {
                            JsonNode result = call("getUpdates", "{\"offset\":" + nextUpdate + ",\"timeout\":1}")
                                    .get("result");
                            if (result.isEmpty()) {
                                return null;
                            }
                            nextUpdate = result.get(0).get("update_id").asInt() + 1;
                            return result.get(0).get("message");
                        },
                        message -> message != null);
    }

    private void botSends(String sendMessage) throws Exception {
        assertThat(call("sendMessage", sendMessage).get("ok").asBoolean()).isTrue();
    }

    private JsonNode call(String method, String body) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(server.apiUrl() + "/bot" + TOKEN + "/" + method))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return json.readTree(response.body());
    }

    private List<String> texts(String selector) {
        return browser.findElements(By.cssSelector(selector)).stream()
                .map(WebElement::getText)
                .toList();
    }
}
