package uz.lms.registration.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.system.CapturedOutput;
import uz.lms.registration.contracts.DeliverCode;
import uz.lms.registration.contracts.DeliveryEvent;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.sandbox.PrivateChat;
import uz.lms.registration.sandbox.SentMessage;
import uz.lms.registration.testsupport.TopicRecorder;

/**
 * Delivering the codes verification-service issues: once per code event, never after it expired, later for a
 * rate-limited chat, not at all to a user who blocked the bot; each told on {@code code.deliveries}.
 */
class CodeDeliveryTests extends SandboxBotTest {

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
