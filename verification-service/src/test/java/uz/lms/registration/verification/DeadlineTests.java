package uz.lms.registration.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.kafka.support.KafkaHeaders;
import uz.lms.registration.contracts.DeliverCode;
import uz.lms.registration.contracts.RegisterUser;
import uz.lms.registration.contracts.RegistrationOutcome.CodeSent;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.contracts.VerificationOutcome.InvalidOrExpiredCode;
import uz.lms.registration.contracts.VerificationOutcome.Verified;
import uz.lms.registration.contracts.VerificationReply;
import uz.lms.registration.contracts.VerifyCode;
import uz.lms.registration.testsupport.TopicRecorder;

/** A command read after its deadline: its requester has answered 503, and nothing may change after that. */
@ExtendWith(OutputCaptureExtension.class)
class DeadlineTests extends VerificationServiceTest {

    @Autowired
    MeterRegistry meters;

    @Autowired
    DataSource dataSource;

    @Test
    void aRegistrationReadAfterItsDeadlineCreatesNoUserAndSendsNoCode(CapturedOutput output) throws Exception {
        long telegramId = newTelegramId();
        double lateBefore = late("register");

        client.sendRaw(command(
                Topics.CHAT_REGISTRATIONS,
                telegramId,
                new RegisterUser(UUID.randomUUID(), Instant.now(), telegramId, newPhoneNumber(), "uz", false)));

        await().atMost(Duration.ofSeconds(20)).until(() -> late("register") > lateBefore);
        assertThat(usersWith(telegramId)).isZero();
        assertThat(output.getAll())
                .containsPattern("register telegram_id=" + telegramId
                        + " event_id=[0-9a-f-]{36} dropped: PT1S after its deadline");
        assertThat(client.register(telegramId, newPhoneNumber())).isEqualTo(new CodeSent(60));
        // The reply can come before the outbox publishes the code: wait for it, then see it is the only one.
        DeliverCode issued = deliveredCode(telegramId);
        assertThat(deliveredCodes(telegramId)).containsExactly(issued);
    }

    @Test
    void checksReadAfterTheirDeadlineCountNoAttemptAndVerifyNothing() throws Exception {
        long telegramId = newTelegramId();
        client.register(telegramId, newPhoneNumber());
        String code = deliveredCode(telegramId).code();
        String wrong = code.equals("000000") ? "111111" : "000000";
        double lateBefore = late("verify");

        // More than verification.max-attempts: counted, they would burn the code.
        for (int i = 0; i < 6; i++) {
            client.sendRaw(command(
                    Topics.CHAT_VERIFICATIONS,
                    telegramId,
                    new VerifyCode(UUID.randomUUID(), Instant.now(), telegramId, wrong)));
        }
        client.sendRaw(command(
                Topics.CHAT_VERIFICATIONS,
                telegramId,
                new VerifyCode(UUID.randomUUID(), Instant.now(), telegramId, code)));

        await().atMost(Duration.ofSeconds(20)).until(() -> late("verify") >= lateBefore + 7);
        assertThat(jdbc.sql("SELECT is_verified FROM users WHERE telegram_id = ?")
                        .param(telegramId)
                        .query(Boolean.class)
                        .single())
                .isFalse();
        assertThat(client.verify(telegramId, code)).isEqualTo(new Verified());
    }

    /**
     * The right code, in time when read, waits for the user's row while another transaction holds it; meanwhile its
     * deadline passes. When the row is free, its transaction has nothing left to wait for, and still it must not
     * commit: the requester has answered 503.
     */
    @Test
    void aCheckWhoseDeadlinePassesWhileItWaitsForTheUsersRowVerifiesNothingAndGetsNoReply() throws Exception {
        rightCodeCheckedWhileItsRowIsHeld(Duration.ofSeconds(30), this::awaitACommandWaitingForARow);
    }

    /**
     * The right code waits for the user's row past the time its deadline left it: PostgreSQL cancels the statement
     * while the row is still held, the transaction rolls back, and once late the command is dropped.
     */
    @Test
    void aCheckWaitingForTheUsersRowPastItsTimeLeftIsCancelledAndChangesNothing(CapturedOutput output)
            throws Exception {
        rightCodeCheckedWhileItsRowIsHeld(
                Duration.ofSeconds(1),
                () -> await().atMost(Duration.ofSeconds(20))
                        .until(() -> output.getAll().contains("verify: a deadline passed during the transaction")));
    }

    /**
     * Sends the right code with {@code left} to its deadline while another transaction holds the user's row; once
     * {@code whileHeld} returns, moves the clock past the deadline and frees the row.
     */
    private void rightCodeCheckedWhileItsRowIsHeld(Duration left, Runnable whileHeld) throws Exception {
        long telegramId = newTelegramId();
        client.register(telegramId, newPhoneNumber());
        String code = deliveredCode(telegramId).code();
        double lateBefore = late("verify");

        try (TopicRecorder replies = TopicRecorder.start(TestClient.REGISTRATION_REPLIES);
                Connection holder = holdingTheRowOf(telegramId)) {
            client.sendRaw(command(Topics.CHAT_VERIFICATIONS, telegramId, check(telegramId, code), left));
            whileHeld.run();
            clock.advance(left.plusSeconds(1));
            holder.commit();

            await().atMost(Duration.ofSeconds(20)).until(() -> late("verify") > lateBefore);
            assertNothingAppliedNorAnswered(telegramId, code, replies);
        }
    }

    /**
     * The late check of the right code left the user unverified and was not answered: a wrong check sent after it is
     * the first one counted, and its reply, on the same partition of the same reply topic, is the only one there.
     */
    private void assertNothingAppliedNorAnswered(long telegramId, String code, TopicRecorder replies) throws Exception {
        assertThat(jdbc.sql("SELECT is_verified FROM users WHERE telegram_id = ?")
                        .param(telegramId)
                        .query(Boolean.class)
                        .single())
                .isFalse();
        String wrong = code.equals("000000") ? "111111" : "000000";
        client.sendRaw(
                command(Topics.CHAT_VERIFICATIONS, telegramId, check(telegramId, wrong), Duration.ofSeconds(30)));
        await().atMost(Duration.ofSeconds(20))
                .until(() ->
                        !replies.values(VerificationReply.class, telegramId).isEmpty());
        assertThat(replies.values(VerificationReply.class, telegramId))
                .extracting(VerificationReply::outcome)
                .containsExactly(new InvalidOrExpiredCode());
        assertThat(jdbc.sql("SELECT chat_failed_attempts FROM users WHERE telegram_id = ?")
                        .param(telegramId)
                        .query(Integer.class)
                        .single())
                .isOne();
    }

    /** Another transaction, as another instance's batch would, holding the user's row until it commits. */
    private Connection holdingTheRowOf(long telegramId) throws Exception {
        Connection holder = dataSource.getConnection();
        holder.setAutoCommit(false);
        try (var lock = holder.prepareStatement("SELECT 1 FROM users WHERE telegram_id = ? FOR UPDATE")) {
            lock.setLong(1, telegramId);
            lock.executeQuery().close();
        }
        return holder;
    }

    /** The listener's transaction waits for a row lock: it read its command in time, and has begun. */
    private void awaitACommandWaitingForARow() {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> jdbc.sql("""
                                SELECT count(*) FROM pg_stat_activity
                                WHERE wait_event_type = 'Lock' AND query LIKE '%FOR UPDATE%' AND pid <> pg_backend_pid()""").query(Long.class).single() > 0);
    }

    private static VerifyCode check(long telegramId, String code) {
        return new VerifyCode(UUID.randomUUID(), Instant.now(), telegramId, code);
    }

    /** A command as the requesters send it, with a deadline that passed a second ago by the service's clock. */
    private ProducerRecord<String, byte[]> command(String topic, long telegramId, Object command) {
        return command(topic, telegramId, command, Duration.ofSeconds(-1));
    }

    /** A command as the requesters send it, with a deadline {@code left} from now by the service's clock. */
    private ProducerRecord<String, byte[]> command(String topic, long telegramId, Object command, Duration left) {
        var record = new ProducerRecord<>(topic, Topics.key(telegramId), json.writeValueAsBytes(command));
        record.headers()
                .add(KafkaHeaders.REPLY_TOPIC, TestClient.REGISTRATION_REPLIES.getBytes(StandardCharsets.UTF_8));
        record.headers()
                .add(
                        Topics.DEADLINE_HEADER,
                        clock.instant().plus(left).toString().getBytes(StandardCharsets.US_ASCII));
        return record;
    }

    private double late(String command) {
        var timer = meters.find("verification.commands")
                .tag("command", command)
                .tag("outcome", "late")
                .timer();
        return timer == null ? 0 : timer.count();
    }
}
