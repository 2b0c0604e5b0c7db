package uz.lms.registration.verification;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.json.JsonMapper;
import uz.lms.registration.contracts.DeliverCode;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.contracts.UserEvent;
import uz.lms.registration.testsupport.EmbeddedInfrastructureInitializer;
import uz.lms.registration.testsupport.MutableClock;
import uz.lms.registration.testsupport.TopicRecorder;

/**
 * The whole service on a real broker and a real PostgreSQL, driven over Kafka as the gateway and
 * the bot drive it. Every test works on users of its own; time moves only by {@link #clock}.
 */
// No static membership: a closed test context would hold its partitions for a session timeout.
@SpringBootTest(
        properties = {
            "verification.outbox-sweep-interval=1s",
            "verification.reply-topics=" + TestClient.REPLY_TOPICS,
            "verification.instance-id="
        })
@ContextConfiguration(initializers = EmbeddedInfrastructureInitializer.class)
public abstract class VerificationServiceTest {

    protected final JsonMapper json = JsonMapper.builder().build();

    @Autowired
    protected MutableClock clock;

    @Autowired
    protected JdbcClient jdbc;

    protected TestClient client;
    protected TopicRecorder codes;
    protected TopicRecorder userEvents;

    @BeforeEach
    void connect() {
        client = new TestClient();
        codes = TopicRecorder.start(Topics.VERIFICATION_CODES);
        userEvents = TopicRecorder.start(Topics.USER_EVENTS);
    }

    @AfterEach
    void disconnect() {
        client.close();
        codes.close();
        userEvents.close();
    }

    public static long newTelegramId() {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }

    public static String newPhoneNumber() {
        return "+99890" + ThreadLocalRandom.current().nextInt(1_000_000, 10_000_000);
    }

    /** The rows of {@code users} with this {@code telegram_id}: 1 for a user, 0 for none. */
    protected long usersWith(long telegramId) {
        return jdbc.sql("SELECT count(*) FROM users WHERE telegram_id = ?")
                .param(telegramId)
                .query(Long.class)
                .single();
    }

    /** The latest code delivered to the user on {@code verification.codes}, as telegram-service gets it. */
    protected DeliverCode deliveredCode(long telegramId) {
        return await().atMost(Duration.ofSeconds(20))
                .until(() -> deliveredCodes(telegramId), list -> !list.isEmpty())
                .getLast();
    }

    protected List<DeliverCode> deliveredCodes(long telegramId) {
        return codes.values(DeliverCode.class, telegramId);
    }

    protected List<UserEvent> userEvents(long telegramId) {
        return userEvents.values(UserEvent.class, telegramId);
    }

    /** A W3C trace id, as a caller that started the trace made it. */
    protected static String newTraceId() {
        byte[] id = new byte[16];
        ThreadLocalRandom.current().nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    /** The trace ids of the W3C traceparent headers of the user's records, in their order; "none" for a record without. */
    protected static List<String> traceIds(List<ConsumerRecord<String, byte[]>> records, long telegramId) {
        return records.stream()
                .filter(record -> Topics.key(telegramId).equals(record.key()))
                .map(record -> record.headers().lastHeader("traceparent"))
                .map(traceparent -> traceparent == null ? "none" : traceIdOf(traceparent))
                .toList();
    }

    private static String traceIdOf(Header traceparent) {
        // version-traceid-parentid-flags
        return new String(traceparent.value(), StandardCharsets.US_ASCII).split("-")[1];
    }

    @TestConfiguration
    static class Time {

        @Bean
        @Primary
        MutableClock testClock() {
            return new MutableClock();
        }
    }
}
