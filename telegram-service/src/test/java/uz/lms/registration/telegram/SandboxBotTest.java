package uz.lms.registration.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import uz.lms.registration.contracts.DeliveryEvent;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.sandbox.FakeTelegram;
import uz.lms.registration.sandbox.FakeTelegramServer;
import uz.lms.registration.sandbox.PrivateChat;
import uz.lms.registration.sandbox.SentMessage;
import uz.lms.registration.sandbox.TelegramUser;
import uz.lms.registration.testsupport.EmbeddedInfrastructure;
import uz.lms.registration.testsupport.FakeVerifier;
import uz.lms.registration.testsupport.TopicRecorder;

/**
 * The bot alone: the real telegrambots client polls and sends over HTTP to a fake Bot API, the embedded
 * broker carries the commands, and a {@link FakeVerifier} answers them as each test scripts, publishing the
 * codes to deliver as verification-service does. What the user is told of each answer is the bot's to test;
 * which answer a command deserves is verification-service's, and tested there. One bot per test class.
 */
@SpringBootTest(
        properties = {
            "telegram.bot-token=" + SandboxBotTest.TOKEN,
            "telegram.polling.timeout=1s",
            "telegram.rate-limit.per-chat=200ms",
            // Finished spans reach the exporters at once, not every five seconds.
            "management.opentelemetry.tracing.export.schedule-delay=50ms"
        })
@Import(SandboxBotTest.ExportedSpans.class)
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
abstract class SandboxBotTest {

    static final String TOKEN = "424242:TEST-token-that-never-reaches-a-log";
    private static final Pattern CODE = Pattern.compile("<code>(\\d{6})</code>");
    static final AtomicLong USER_IDS = new AtomicLong(710_000_000);

    static final FakeTelegram telegram = new FakeTelegram();
    private static final FakeTelegramServer server = FakeTelegramServer.start(telegram, TOKEN, 0);
    static FakeVerifier verifier;
    private static TopicRecorder deliveries;

    @Autowired
    KafkaTemplate<String, Object> kafka;

    /** Every span the bot exported, as an operator's collector receives them. */
    @Autowired
    InMemorySpanExporter spans;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", EmbeddedInfrastructure::bootstrapServers);
        registry.add("telegram.api-url", () -> server.apiUrl().toString());
    }

    @BeforeAll
    static void startVerifier() {
        verifier = FakeVerifier.start();
        deliveries = TopicRecorder.start(Topics.CODE_DELIVERIES);
        // Time for a silent verifier's reply timeout, and for a loaded build machine.
        Awaitility.setDefaultTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopVerifier() {
        Awaitility.reset();
        deliveries.close();
        verifier.close();
    }

    static List<DeliveryEvent> deliveriesTo(long telegramId) {
        return deliveries.values(DeliveryEvent.class).stream()
                .filter(event -> event.telegramId() == telegramId)
                .toList();
    }

    static PrivateChat newUser(String languageCode) {
        return telegram.privateChat(new TelegramUser(USER_IDS.incrementAndGet(), "Test", languageCode));
    }

    /** A valid Uzbek mobile number of this user's own. */
    static String phoneOf(PrivateChat chat) {
        return "+99890" + String.format("%07d", chat.id() % 10_000_000);
    }

    static SentMessage awaitMessage(PrivateChat chat, Predicate<String> text) {
        return await().until(
                        () -> chat.messages().stream()
                                .filter(message -> text.test(message.text()))
                                .findFirst(),
                        found -> found.isPresent())
                .orElseThrow();
    }

    static long count(PrivateChat chat, String text) {
        return chat.messages().stream()
                .filter(message -> message.text().equals(text))
                .count();
    }

    /** The exported span with this id, once it has ended. */
    SpanData awaitSpan(String spanId) {
        return await().until(
                        () -> spans.getFinishedSpanItems().stream()
                                .filter(span -> span.getSpanId().equals(spanId))
                                .findFirst(),
                        Optional::isPresent)
                .orElseThrow();
    }

    static @Nullable String attribute(SpanData span, String key) {
        return span.getAttributes().get(AttributeKey.stringKey(key));
    }

    /** The trace id of a W3C {@code traceparent}: version-traceid-parentid-flags. */
    static String traceIdOf(String traceparent) {
        return traceparent.split("-")[1];
    }

    static String codeIn(SentMessage message) {
        Matcher matcher = CODE.matcher(message.text());
        assertThat(matcher.find()).as("a code in the message").isTrue();
        return matcher.group(1);
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class ExportedSpans {

        @Bean
        InMemorySpanExporter spans() {
            return InMemorySpanExporter.create();
        }
    }
}
