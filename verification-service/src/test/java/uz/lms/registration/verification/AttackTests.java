package uz.lms.registration.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.support.KafkaHeaders;
import uz.lms.registration.contracts.Channel;
import uz.lms.registration.contracts.RegisterUser;
import uz.lms.registration.contracts.RegisterUser.Source;
import uz.lms.registration.contracts.RegistrationOutcome;
import uz.lms.registration.contracts.RegistrationOutcome.CodeSent;
import uz.lms.registration.contracts.RegistrationOutcome.ShareNumberFirst;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.contracts.UserEvent;
import uz.lms.registration.contracts.VerificationOutcome.Verified;
import uz.lms.registration.contracts.VerifyCode;

/**
 * Attacks on other people's registrations, made as an outsider would: through the HTTP API (commands
 * from a caller, checks over {@code api}) knowing a victim's {@code telegram_id} and phone number, or
 * with records of their own making. Each fails, and the victim can still register through the chat.
 */
class AttackTests extends VerificationServiceTest {

    @Test
    void nobodyCanBindSomeoneElsesNumberToTheirAccountThroughTheApi() {
        long attacker = newTelegramId();
        String attackersOwn = newPhoneNumber();
        client.register(attacker, attackersOwn);
        String victimsNumber = newPhoneNumber();

        assertThat(client.register(attacker, victimsNumber, Source.CALLER)).isEqualTo(new ShareNumberFirst());
        assertThat(client.register(newTelegramId(), victimsNumber, Source.CALLER))
                .isEqualTo(new ShareNumberFirst());

        assertThat(jdbc.sql("SELECT count(*) FROM users WHERE phone_number = ?")
                        .param(victimsNumber)
                        .query(Long.class)
                        .single())
                .isZero();
        long victim = newTelegramId();
        assertThat(client.register(victim, victimsNumber)).isEqualTo(new CodeSent(60));
        assertThat(client.verify(victim, deliveredCode(victim).code())).isEqualTo(new Verified());
    }

    @Test
    void nobodyCanSwapThePendingNumberOfSomeoneElsesRegistration() {
        long victim = newTelegramId();
        String victimsNumber = newPhoneNumber();
        client.register(victim, victimsNumber);
        String code = deliveredCode(victim).code();
        clock.advance(Duration.ofSeconds(30));

        assertThat(client.register(victim, newPhoneNumber(), Source.CALLER)).isEqualTo(new ShareNumberFirst());

        assertThat(client.verify(victim, code)).isEqualTo(new Verified());
        await().untilAsserted(() -> assertThat(userEvents(victim))
                .last()
                .isInstanceOfSatisfying(
                        UserEvent.UserVerified.class,
                        event -> assertThat(event.phoneNumber()).isEqualTo(victimsNumber)));
    }

    @Test
    void theApiDoesNotTellWhoseNumberIsVerified() {
        long owner = newTelegramId();
        String phone = newPhoneNumber();
        client.register(owner, phone);
        client.verify(owner, deliveredCode(owner).code());

        assertThat(client.register(newTelegramId(), phone, Source.CALLER)).isEqualTo(new ShareNumberFirst());
    }

    @Test
    void aHundredWrongHttpChecksLeaveTheChatAbleToVerify() {
        long victim = newTelegramId();
        client.register(victim, newPhoneNumber());
        String code = deliveredCode(victim).code();
        String wrong = code.equals("000000") ? "111111" : "000000";

        for (int i = 0; i < 100; i++) {
            client.verify(victim, wrong, Channel.API);
        }

        assertThat(client.verify(victim, code, Channel.CHAT)).isEqualTo(new Verified());
    }

    @Test
    void askingForCodesThroughTheApiNeverKeepsTheUserFromGettingOneInTheChat() {
        long victim = newTelegramId();
        String victimsNumber = newPhoneNumber();
        client.register(victim, victimsNumber);
        deliveredCode(victim);
        List<RegistrationOutcome> attacks = new ArrayList<>();

        for (int i = 0; i < 20; i++) {
            attacks.add(client.register(victim, victimsNumber, Source.CALLER));
            attacks.add(client.register(victim, victimsNumber, Source.CALLER));
            clock.advance(Duration.ofSeconds(15));
        }

        assertThat(attacks).filteredOn(CodeSent.class::isInstance).hasSize(5);
        assertThat(client.register(victim, victimsNumber)).isEqualTo(new CodeSent(60));
        await().until(() -> deliveredCodes(victim).size() == 7);
        assertThat(client.verify(victim, deliveredCode(victim).code())).isEqualTo(new Verified());
    }

    @Test
    void aCommandNamingAnotherTopicThanARequestersForItsReplyIsRefusedAndChangesNothing() throws Exception {
        long telegramId = newTelegramId();
        String phone = newPhoneNumber();
        var register = new RegisterUser(
                UUID.randomUUID(), Instant.now(), telegramId, newPhoneNumber(), "uz", Source.TELEGRAM_CONTACT);
        client.sendRaw(
                forged(Topics.REGISTRATION_REQUESTS, telegramId, json.writeValueAsBytes(register), Topics.USER_EVENTS));
        // The same key, so the same partition: answered only after the forged command was read.
        assertThat(client.register(telegramId, phone)).isEqualTo(new CodeSent(60));
        String wrong = deliveredCode(telegramId).code().equals("000000") ? "111111" : "000000";
        var verify = new VerifyCode(UUID.randomUUID(), Instant.now(), telegramId, wrong, Channel.API);
        client.sendRaw(forged(
                Topics.VERIFICATION_REQUESTS, telegramId, json.writeValueAsBytes(verify), Topics.VERIFICATION_CODES));

        client.verify(telegramId, wrong, Channel.API);

        assertThat(jdbc.sql("SELECT api_failures_in_row FROM users WHERE telegram_id = ?")
                        .param(telegramId)
                        .query(Integer.class)
                        .single())
                .as("the forged check was not counted")
                .isOne();
        // A reply on either topic would not read as what those topics carry.
        await().during(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(userEvents(telegramId))
                    .extracting(Object::getClass)
                    .containsExactly(
                            UserEvent.UserRegistered.class,
                            UserEvent.CodeIssued.class,
                            UserEvent.VerificationFailed.class);
            assertThat(((UserEvent.UserRegistered) userEvents(telegramId).getFirst()).phoneNumber())
                    .isEqualTo(phone);
            assertThat(deliveredCodes(telegramId)).hasSize(1);
        });
    }

    private static ProducerRecord<String, byte[]> forged(
            String topic, long telegramId, byte[] value, String replyTopic) {
        var record = new ProducerRecord<>(topic, Topics.key(telegramId), value);
        record.headers().add(KafkaHeaders.REPLY_TOPIC, replyTopic.getBytes(StandardCharsets.UTF_8));
        record.headers().add(KafkaHeaders.CORRELATION_ID, new byte[] {1, 2, 3});
        return record;
    }
}
