package uz.lms.registration.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import uz.lms.registration.contracts.DeliverCode;
import uz.lms.registration.contracts.DeliveryEvent;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.sandbox.PrivateChat;
import uz.lms.registration.sandbox.SentMessage;
import uz.lms.registration.testsupport.TopicRecorder;

/**
 * Delivering the codes verification-service issues: once per code event, never after it expired, later for a
 * rate-limited chat, not at all to a user who blocked the bot; each told on {@code code.deliveries}, counted, and
 * traced on from the record.
 */
class CodeDeliveryTests extends SandboxBotTest {

    @Autowired
    Tracer tracer;

    @Autowired
    MeterRegistry meters;

    @Test
    void theCodesOwnMessageIsTheOnlyAnswerToAContactSoNothingAboutTheCodeComesAfterIt(CapturedOutput output) {
        PrivateChat chat = newUser("uz");

        chat.shareOwnContact(phoneOf(chat));

        SentMessage codeMessage = awaitMessage(chat, text -> text.startsWith("Tasdiqlash kodingiz: <code>"));
        // The bot has handled the reply to the contact as well as delivered the code: whatever it said is in the chat.
        await().until(
                        output::getAll,
                        log -> log.contains("registration telegram_id=" + chat.id() + " outcome=code_sent"));
        await().during(Duration.ofSeconds(1)).until(() -> chat.messages().size() == 1);
        assertThat(chat.messages()).containsExactly(codeMessage);
    }

    @Test
    void aCodesSendMessageContinuesTheTraceItsRecordCarries() throws Exception {
        PrivateChat chat = newUser("uz");
        Instant now = Instant.now();
        var code = new DeliverCode(UUID.randomUUID(), now, chat.id(), "246810", now.plusSeconds(60), "uz", now);

        // verification-service's transaction, as far as the bot can tell: the trace the record carries
        Span registration = tracer.nextSpan().name("registration").start();
        try (Tracer.SpanInScope scope = tracer.withSpan(registration)) {
            kafka.send(Topics.VERIFICATION_CODES, Topics.key(chat.id()), code).get();
        } finally {
            registration.end();
        }

        String traceparent = awaitMessage(chat, text -> text.contains("246810")).traceparent();
        assertThat(traceparent).as("the sendMessage request's traceparent").isNotNull();
        assertThat(traceIdOf(traceparent)).isEqualTo(registration.context().traceId());
        // The request's parent: the Bot API call's client span, named by its method, without the token in its path.
        SpanData sendMessage = awaitSpan(traceparent.split("-")[2]);
        assertThat(sendMessage.getName()).isEqualTo("sendMessage");
        assertThat(sendMessage.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(attribute(sendMessage, "uri")).isEqualTo("/bot{token}/sendMessage");
        // Its parent: the code's own span, which tells the user and the outcome.
        SpanData delivery = awaitSpan(sendMessage.getParentSpanId());
        assertThat(delivery.getName()).isEqualTo(Topics.VERIFICATION_CODES + " process");
        assertThat(delivery.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(attribute(delivery, "telegram_id")).isEqualTo(Long.toString(chat.id()));
        assertThat(attribute(delivery, "outcome")).isEqualTo("delivered");
    }

    @Test
    void everyOutcomeIsCountedAndEachDeliveryTimedFromItsRegistration() throws Exception {
        PrivateChat timed = newUser("uz");
        PrivateChat fromAnOlderRelease = newUser("uz");
        PrivateChat blocking = newUser("uz");
        blocking.blockBot();
        long withoutChat = USER_IDS.incrementAndGet();
        PrivateChat late = newUser("uz");
        Map<String, Double> before = funnel();
        Instant now = Instant.now();

        deliver(timed.id(), now.plusSeconds(60), now.minusSeconds(30));
        deliver(fromAnOlderRelease.id(), now.plusSeconds(60), null);
        deliver(blocking.id(), now.plusSeconds(60), now);
        deliver(withoutChat, now.plusSeconds(60), now);
        deliver(late.id(), now.minusSeconds(1), now.minusSeconds(61));

        await().until(() -> Stream.of(timed.id(), fromAnOlderRelease.id(), blocking.id(), withoutChat, late.id())
                .allMatch(id -> deliveriesTo(id).size() == 1));
        Map<String, Double> after = funnel();
        assertThat(after)
                .containsEntry("delivered", before.get("delivered") + 2)
                .containsEntry("blocked", before.get("blocked") + 1)
                .containsEntry("chat_not_found", before.get("chat_not_found") + 1)
                .containsEntry("telegram_error", before.get("telegram_error"))
                .containsEntry("expired", before.get("expired") + 1)
                // only the code whose registration time is known
                .containsEntry("timed", before.get("timed") + 1);
        assertThat(after.get("seconds") - before.get("seconds")).isGreaterThanOrEqualTo(30);
        // a percentile histogram, with the delivery objective (p99 within 5 s) as a bucket
        assertThat(meters.get("telegram.code.delivery").timer().takeSnapshot().histogramCounts())
                .extracting(bucket -> bucket.bucket(TimeUnit.SECONDS))
                .contains(5.0);
    }

    private void deliver(long telegramId, Instant expiresAt, @Nullable Instant requestedAt) throws Exception {
        Instant issued = expiresAt.minusSeconds(60);
        kafka.send(
                        Topics.VERIFICATION_CODES,
                        Topics.key(telegramId),
                        new DeliverCode(UUID.randomUUID(), issued, telegramId, "135790", expiresAt, "uz", requestedAt))
                .get();
    }

    private Map<String, Double> funnel() {
        Timer delivery = meters.get("telegram.code.delivery").timer();
        return Map.of(
                "delivered", meters.get("telegram.codes.delivered").counter().count(),
                "blocked", failed("blocked"),
                "chat_not_found", failed("chat_not_found"),
                "telegram_error", failed("telegram_error"),
                "expired", meters.get("telegram.codes.expired").counter().count(),
                "timed", (double) delivery.count(),
                "seconds", delivery.totalTime(TimeUnit.SECONDS));
    }

    private double failed(String reason) {
        return meters.get("telegram.codes.failed")
                .tag("reason", reason)
                .counter()
                .count();
    }

    @Test
    void aCodeThatExpiredBeforeDeliveryIsNotSent() {
        PrivateChat chat = newUser("uz");
        UUID codeEventId = UUID.randomUUID();
        Instant now = Instant.now();

        kafka.send(
                Topics.VERIFICATION_CODES,
                Topics.key(chat.id()),
                new DeliverCode(
                        codeEventId,
                        now.minusSeconds(70),
                        chat.id(),
                        "654321",
                        now.minusSeconds(10),
                        "uz",
                        now.minusSeconds(70)));

        await().until(
                        () -> deliveriesTo(chat.id()),
                        events -> events.size() == 1
                                && events.getFirst() instanceof DeliveryEvent.CodeExpiredBeforeDelivery expired
                                && expired.codeEventId().equals(codeEventId));
        assertThat(chat.messages()).isEmpty();
    }

    @Test
    void aCodeEventRedeliveredUnderItsEventIdIsSentOnce() throws Exception {
        PrivateChat chat = newUser("uz");
        Instant now = Instant.now();
        var code = new DeliverCode(UUID.randomUUID(), now, chat.id(), "654321", now.plusSeconds(60), "uz", now);
        var next = new DeliverCode(UUID.randomUUID(), now, chat.id(), "123987", now.plusSeconds(60), "uz", now);

        kafka.send(Topics.VERIFICATION_CODES, Topics.key(chat.id()), code).get();
        kafka.send(Topics.VERIFICATION_CODES, Topics.key(chat.id()), code).get();
        kafka.send(Topics.VERIFICATION_CODES, Topics.key(chat.id()), next).get();

        // One partition, in order: once the next code is in the chat, the redelivery was handled.
        awaitMessage(chat, text -> text.contains("123987"));
        assertThat(chat.messages())
                .filteredOn(message -> message.text().contains("654321"))
                .hasSize(1);
        // The delivery event follows the message: once the next code's is out, every earlier one is too.
        await().until(
                        () -> deliveriesTo(chat.id()),
                        events -> events.stream()
                                .anyMatch(event -> event.codeEventId().equals(next.eventId())));
        assertThat(deliveriesTo(chat.id())).hasSize(2);
    }

    @Test
    void anUnreadableCodeRecordIsDeadLetteredAndTheCodesAroundItAreDelivered() throws Exception {
        PrivateChat chat = newUser("uz");
        Instant now = Instant.now();
        var before = new DeliverCode(UUID.randomUUID(), now, chat.id(), "111222", now.plusSeconds(60), "uz", now);
        var after = new DeliverCode(UUID.randomUUID(), now, chat.id(), "333444", now.plusSeconds(60), "uz", now);

        try (TopicRecorder deadLetters = TopicRecorder.start(Topics.deadLetter(Topics.VERIFICATION_CODES))) {
            // One partition, in one poll as likely as not: the unreadable record sits between two codes.
            kafka.send(Topics.VERIFICATION_CODES, Topics.key(chat.id()), before);
            kafka.send(Topics.VERIFICATION_CODES, Topics.key(chat.id()), "not a code");
            kafka.send(Topics.VERIFICATION_CODES, Topics.key(chat.id()), after).get();

            awaitMessage(chat, text -> text.contains("333444"));
            assertThat(chat.messages())
                    .extracting(SentMessage::text)
                    .filteredOn(text -> text.contains("111222"))
                    .hasSize(1);
            await().untilAsserted(() -> assertThat(deadLetters.records())
                    .filteredOn(record -> Topics.key(chat.id()).equals(record.key()))
                    .singleElement()
                    .satisfies(record -> assertThat(new String(record.value(), StandardCharsets.UTF_8))
                            .isEqualTo("\"not a code\"")));
            await().until(() -> deliveriesTo(chat.id()), events -> events.size() == 2);
        }
    }

    @Test
    void aUserWhoBlockedTheBotIsGivenUpOnAsBlocked() {
        PrivateChat chat = newUser("uz");
        chat.start();
        awaitMessage(chat, text -> text.startsWith("Assalomu alaykum"));
        chat.blockBot();

        chat.shareOwnContact(phoneOf(chat));

        await().until(
                        () -> deliveriesTo(chat.id()),
                        events -> events.size() == 1
                                && events.getFirst() instanceof DeliveryEvent.CodeDeliveryFailed failed
                                && failed.reason().equals("blocked"));
        assertThat(chat.messages()).hasSize(1);
    }

    @Test
    void aRateLimitedChatGetsItsMessagesAfterRetryAfter() {
        PrivateChat chat = newUser("uz");
        chat.start();
        awaitMessage(chat, text -> text.startsWith("Assalomu alaykum"));
        chat.rateLimit(1, 2);
        long started = System.nanoTime();

        chat.shareOwnContact(phoneOf(chat));

        awaitMessage(chat, text -> text.startsWith("Tasdiqlash kodingiz"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        await().until(
                        () -> deliveriesTo(chat.id()),
                        events -> events.size() == 1 && events.getFirst() instanceof DeliveryEvent.CodeDelivered);
    }
}
