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
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.support.KafkaHeaders;
import tools.jackson.databind.node.ObjectNode;
import uz.lms.registration.contracts.RegisterUser;
import uz.lms.registration.contracts.RegistrationOutcome;
import uz.lms.registration.contracts.RegistrationOutcome.CodeSent;
import uz.lms.registration.contracts.RegistrationOutcome.ShareNumberFirst;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.contracts.UserEvent;
import uz.lms.registration.contracts.VerificationOutcome.AttemptsExhausted;
import uz.lms.registration.contracts.VerificationOutcome.Verified;
import uz.lms.registration.contracts.VerifyCode;
import uz.lms.registration.verification.users.Channel;
import uz.lms.registration.verification.users.Source;

/**
 * Attacks on other people's registrations, made as an outsider would: through the HTTP API (commands
 * from a caller, checks over {@code api}) knowing a victim's {@code telegram_id} and phone number, or
 * with records of their own making, on the topics the gateway's Kafka credential may write. Each fails, and the
 * victim can still register through the chat.
 */
class AttackTests extends VerificationServiceTest {

    @Autowired
    VerificationProperties properties;

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
        var register = new RegisterUser(UUID.randomUUID(), Instant.now(), telegramId, newPhoneNumber(), "uz", false);
        client.sendRaw(
                forged(Topics.CHAT_REGISTRATIONS, telegramId, json.writeValueAsBytes(register), Topics.USER_EVENTS));
        // The same key, so the same partition: answered only after the forged command was read.
        assertThat(client.register(telegramId, phone)).isEqualTo(new CodeSent(60));
        String wrong = deliveredCode(telegramId).code().equals("000000") ? "111111" : "000000";
        var verify = new VerifyCode(UUID.randomUUID(), Instant.now(), telegramId, wrong);
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

    // With the gateway's Kafka credential: records of one's own on the gateway's topics, claiming more than it may.

    @Test
    void aContactForgedOnTheGatewaysTopicBindsNoNumberToAnyAccount() throws Exception {
        long victim = newTelegramId();
        String victimsOwn = newPhoneNumber();
        client.register(victim, victimsOwn);
        String code = deliveredCode(victim).code();
        // Past the resend cooldown: a contact believed would replace the number and issue a code.
        clock.advance(Duration.ofSeconds(30));
        long attacker = newTelegramId();
        String foreign = newPhoneNumber();

        for (long telegramId : List.of(victim, attacker)) {
            client.sendRaw(
                    Topics.REGISTRATION_REQUESTS,
                    Topics.key(telegramId),
                    claiming(registration(telegramId, foreign), "source", "telegram_contact"));
            // The same key, so the same partition: answered only after the forged command was read.
            assertThat(client.register(telegramId, foreign, Source.CALLER)).isEqualTo(new ShareNumberFirst());
        }

        assertThat(usersWith(attacker)).as("no user created").isZero();
        assertThat(jdbc.sql("SELECT phone_number || ' ' || attested_phone_number FROM users WHERE telegram_id = ?")
                        .param(victim)
                        .query(String.class)
                        .single())
                .as("no number replaced")
                .isEqualTo(victimsOwn + " " + victimsOwn);
        await().during(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(deliveredCodes(victim))
                    .as("no code for the foreign number")
                    .hasSize(1);
            assertThat(deliveredCodes(attacker)).isEmpty();
        });
        assertThat(client.verify(victim, code)).isEqualTo(new Verified());
    }

    @Test
    void aChatCheckForgedOnTheGatewaysTopicSpendsTheHttpBudgetAndLeavesTheChatsWhole() throws Exception {
        long victim = newTelegramId();
        client.register(victim, newPhoneNumber());
        String code = deliveredCode(victim).code();
        String wrong = code.equals("000000") ? "111111" : "000000";

        for (int i = 0; i < properties.maxAttempts(); i++) {
            client.sendRaw(
                    Topics.VERIFICATION_REQUESTS,
                    Topics.key(victim),
                    claiming(check(victim, wrong), "channel", "chat"));
        }
        client.sendRaw(
                Topics.VERIFICATION_REQUESTS, Topics.key(victim), claiming(check(victim, code), "channel", "chat"));

        // The same key, so the same partition: answered after the forged checks, which burned the code for HTTP.
        assertThat(client.verify(victim, code, Channel.API)).isEqualTo(new AttemptsExhausted());
        assertThat(jdbc.sql("SELECT api_failed_attempts || ' ' || chat_failed_attempts || ' ' || is_verified"
                                + " FROM users WHERE telegram_id = ?")
                        .param(victim)
                        .query(String.class)
                        .single())
                .as("HTTP failed attempts, the chat's, verified")
                .isEqualTo(properties.maxAttempts() + " 0 false");
        assertThat(client.verify(victim, code)).isEqualTo(new Verified());
    }

    @Test
    void aRegistrationTheGatewayVouchesForCreatesNoUserWhileThisServiceDoesNotTrustCallers() {
        long telegramId = newTelegramId();

        assertThat(client.register(telegramId, newPhoneNumber(), Source.TRUSTED_CALLER))
                .isEqualTo(new ShareNumberFirst());

        assertThat(usersWith(telegramId)).isZero();
        await().during(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(deliveredCodes(telegramId)).isEmpty());
    }

    private static RegisterUser registration(long telegramId, String phoneNumber) {
        return new RegisterUser(UUID.randomUUID(), Instant.now(), telegramId, phoneNumber, "uz", false);
    }

    private static VerifyCode check(long telegramId, String code) {
        return new VerifyCode(UUID.randomUUID(), Instant.now(), telegramId, code);
    }

    /** The command's JSON with a field it no longer has, as a producer that claims more than its topic writes it. */
    private byte[] claiming(Object command, String field, String value) {
        ObjectNode node = json.valueToTree(command);
        node.put(field, value);
        return json.writeValueAsBytes(node);
    }

    private static ProducerRecord<String, byte[]> forged(
            String topic, long telegramId, byte[] value, String replyTopic) {
        var record = new ProducerRecord<>(topic, Topics.key(telegramId), value);
        record.headers().add(KafkaHeaders.REPLY_TOPIC, replyTopic.getBytes(StandardCharsets.UTF_8));
        record.headers().add(KafkaHeaders.CORRELATION_ID, new byte[] {1, 2, 3});
        return record;
    }
}
