package uz.lms.registration.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.KafkaHeaders;
import uz.lms.registration.contracts.AlreadyVerified;
import uz.lms.registration.contracts.RegisterUser;
import uz.lms.registration.contracts.RegistrationOutcome.CodeSent;
import uz.lms.registration.contracts.RegistrationOutcome.TooManyRequests;
import uz.lms.registration.contracts.RegistrationReply;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.contracts.VerificationOutcome.InvalidOrExpiredCode;
import uz.lms.registration.contracts.VerificationOutcome.Verified;
import uz.lms.registration.contracts.VerificationReply;
import uz.lms.registration.contracts.VerifyCode;
import uz.lms.registration.testsupport.TopicRecorder;

/**
 * What applying a poll's commands in one transaction could break. Each test holds a listener back while it sends
 * its records, all on one partition, so that one poll takes them together.
 */
@ExtendWith(OutputCaptureExtension.class)
class BatchTests extends VerificationServiceTest {

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Autowired
    VerificationProperties properties;

    @Autowired
    MeterRegistry meters;

    @Autowired
    DataSource dataSource;

    @Test
    void aCommandDeliveredTwiceInOnePollIsAppliedOnceAndBothCopiesGetItsReply() throws Exception {
        long telegramId = newTelegramId();
        RegisterUser command = registration(telegramId);
        CompletableFuture<RegistrationReply> first;
        CompletableFuture<RegistrationReply> second;

        try (OnePoll poll = new OnePoll("chat-registrations", Topics.CHAT_REGISTRATIONS)) {
            first = poll.send(() -> client.registering(command));
            second = poll.send(() -> client.registering(command));
        }

        assertThat(first.join().outcome()).isEqualTo(new CodeSent(60));
        // Applied twice, the second would have its own reply, and the cooldown would have refused it.
        assertThat(second.join()).isEqualTo(first.join());
        assertThat(chatCodesInWindow(telegramId)).isOne();
    }

    @Test
    void twoRegistrationsOfOneUserInOnePollAreAppliedInOrderTheSecondSeeingTheFirst() throws Exception {
        long telegramId = newTelegramId();
        String phoneNumber = newPhoneNumber();
        CompletableFuture<RegistrationReply> first;
        CompletableFuture<RegistrationReply> second;

        try (OnePoll poll = new OnePoll("chat-registrations", Topics.CHAT_REGISTRATIONS)) {
            first = poll.send(() -> client.registering(registration(telegramId, phoneNumber)));
            second = poll.send(() -> client.registering(registration(telegramId, phoneNumber)));
        }

        assertThat(first.join().outcome()).isEqualTo(new CodeSent(60));
        assertThat(second.join().outcome()).isEqualTo(new TooManyRequests(30));
        assertThat(chatCodesInWindow(telegramId)).isOne();
    }

    @Test
    void checksOfOneUserInOnePollAreAppliedInOrderEachSeeingTheOnesBefore() throws Exception {
        long telegramId = newTelegramId();
        client.register(telegramId, newPhoneNumber());
        String code = deliveredCode(telegramId).code();
        CompletableFuture<VerificationReply> wrong;
        CompletableFuture<VerificationReply> right;
        CompletableFuture<VerificationReply> again;

        try (OnePoll poll = new OnePoll("chat-verifications", Topics.CHAT_VERIFICATIONS)) {
            wrong = poll.send(() -> client.verifying(check(telegramId, wrongCode(code))));
            right = poll.send(() -> client.verifying(check(telegramId, code)));
            again = poll.send(() -> client.verifying(check(telegramId, code)));
        }

        assertThat(wrong.join().outcome()).isEqualTo(new InvalidOrExpiredCode());
        assertThat(right.join().outcome()).isEqualTo(new Verified());
        assertThat(again.join().outcome()).isEqualTo(new AlreadyVerified());
        assertThat(jdbc.sql("SELECT chat_failed_attempts FROM users WHERE telegram_id = ?")
                        .param(telegramId)
                        .query(Integer.class)
                        .single())
                .isOne();
    }

    @Test
    void aPoisonRecordAmongGoodOnesIsDeadLetteredAndTheOthersAreApplied() throws Exception {
        long before = newTelegramId();
        long after = sharingAPartitionWith(before);
        byte[] garbage = "{not json".getBytes(StandardCharsets.UTF_8);
        CompletableFuture<RegistrationReply> first;
        CompletableFuture<RegistrationReply> last;

        try (TopicRecorder deadLetters = TopicRecorder.start(Topics.deadLetter(Topics.CHAT_REGISTRATIONS))) {
            try (OnePoll poll = new OnePoll("chat-registrations", Topics.CHAT_REGISTRATIONS)) {
                first = poll.send(() -> client.registering(registration(before)));
                poll.send(() -> client.sendRaw(Topics.CHAT_REGISTRATIONS, Topics.key(before), garbage));
                last = poll.send(() -> client.registering(registration(after)));
            }

            assertThat(first.join().outcome()).isEqualTo(new CodeSent(60));
            assertThat(last.join().outcome()).isEqualTo(new CodeSent(60));
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(deadLetters.records())
                            .extracting(record -> record.value())
                            .containsExactly(garbage));
        }
    }

    @Test
    void aLateCommandAmongGoodOnesIsDroppedAndTheOthersAreApplied(CapturedOutput output) throws Exception {
        long before = newTelegramId();
        long late = sharingAPartitionWith(before);
        long after = sharingAPartitionWith(before);
        var lateRecord = record(registration(late), TestClient.REGISTRATION_REPLIES.getBytes(StandardCharsets.UTF_8));
        lateRecord
                .headers()
                .add(
                        Topics.DEADLINE_HEADER,
                        clock.instant().minusSeconds(1).toString().getBytes(StandardCharsets.US_ASCII));
        CompletableFuture<RegistrationReply> first;
        CompletableFuture<RegistrationReply> last;

        try (OnePoll poll = new OnePoll("chat-registrations", Topics.CHAT_REGISTRATIONS)) {
            first = poll.send(() -> client.registering(registration(before)));
            poll.send(() -> client.sendRaw(lateRecord));
            last = poll.send(() -> client.registering(registration(after)));
        }

        assertThat(first.join().outcome()).isEqualTo(new CodeSent(60));
        assertThat(last.join().outcome()).isEqualTo(new CodeSent(60));
        assertThat(output.getAll()).contains("register telegram_id=" + late + " outcome=late");
        assertThat(usersWith(late)).isZero();
    }

    /**
     * What a crash between a batch's commit and its replies leaves: the commands applied, nobody answered, and the
     * records delivered again. Here the first replies are lost to a reply partition no producer can send to.
     */
    @Test
    void commandsWhoseRepliesWereLostAfterTheirCommitGetTheirStoredRepliesWhenRedelivered() throws Exception {
        long one = newTelegramId();
        long other = sharingAPartitionWith(one);
        RegisterUser first = registration(one);
        RegisterUser second = registration(other);
        try (OnePoll poll = new OnePoll("chat-registrations", Topics.CHAT_REGISTRATIONS)) {
            poll.send(() -> client.sendRaw(unanswerable(first)));
            poll.send(() -> client.sendRaw(unanswerable(second)));
        }
        deliveredCode(one);
        deliveredCode(other);
        CompletableFuture<RegistrationReply> firstAgain;
        CompletableFuture<RegistrationReply> secondAgain;

        try (OnePoll poll = new OnePoll("chat-registrations", Topics.CHAT_REGISTRATIONS)) {
            firstAgain = poll.send(() -> client.registering(first));
            secondAgain = poll.send(() -> client.registering(second));
        }

        // Applied again, each would be refused by the cooldown.
        assertThat(firstAgain.join())
                .extracting(RegistrationReply::telegramId, RegistrationReply::outcome)
                .containsExactly(one, new CodeSent(60));
        assertThat(secondAgain.join())
                .extracting(RegistrationReply::telegramId, RegistrationReply::outcome)
                .containsExactly(other, new CodeSent(60));
        assertThat(chatCodesInWindow(one)).isOne();
        assertThat(chatCodesInWindow(other)).isOne();
    }

    /**
     * A poll that fails after it issued a code, its connection cut while it waits for a row another transaction is
     * inserting, is applied again: the code it issued the first time was rolled back, and is not counted.
     */
    @Test
    void codesIssuedAreCountedOnceCommittedNotByAPollThatFailedAndWasAppliedAgain() throws Exception {
        long first = newTelegramId();
        long second = sharingAPartitionWith(first);
        double issuedBefore = meters.counter("verification.codes.issued").count();
        CompletableFuture<RegistrationReply> firstReply;
        CompletableFuture<RegistrationReply> secondReply;

        try (Connection inserting = dataSource.getConnection()) {
            inserting.setAutoCommit(false);
            try (var insert = inserting.prepareStatement("""
                    INSERT INTO users (telegram_id, phone_number, language, created_at, updated_at)
                    VALUES (?, '+998900000000', 'uz', now(), now())""")) {
                insert.setLong(1, second);
                insert.executeUpdate();
            }
            try (OnePoll poll = new OnePoll("chat-registrations", Topics.CHAT_REGISTRATIONS)) {
                firstReply = poll.send(() -> client.registering(registration(first)));
                secondReply = poll.send(() -> client.registering(registration(second)));
            }
            // The first code is issued; the second user's row waits for this insert to commit or roll back.
            long waiting = await().atMost(Duration.ofSeconds(20))
                    .until(() -> jdbc.sql("""
                                            SELECT pid FROM pg_stat_activity
                                            WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO users%'""").query(Long.class).optional(), Optional::isPresent)
                    .orElseThrow();
            jdbc.sql("SELECT pg_terminate_backend(CAST(? AS integer))")
                    .param(waiting)
                    .query(Boolean.class)
                    .single();
            inserting.rollback();
        }

        assertThat(firstReply.join().outcome()).isEqualTo(new CodeSent(60));
        assertThat(secondReply.join().outcome()).isEqualTo(new CodeSent(60));
        assertThat(meters.counter("verification.codes.issued").count() - issuedBefore)
                .isEqualTo(2);
    }

    /** A command that waited ten minutes on its topic took ten minutes, however short its poll. */
    @Test
    void eachCommandIsTimedFromWhenItWasSent() throws Exception {
        Timer timer = meters.timer("verification.commands", "command", "register", "outcome", "code_sent");
        double before = timer.totalTime(TimeUnit.MINUTES);
        long telegramId = newTelegramId();
        RegisterUser command = registration(telegramId);
        var sentTenMinutesAgo = new ProducerRecord<>(
                Topics.CHAT_REGISTRATIONS,
                null,
                System.currentTimeMillis() - Duration.ofMinutes(10).toMillis(),
                Topics.key(telegramId),
                json.writeValueAsBytes(command));

        client.sendRaw(sentTenMinutesAgo);

        deliveredCode(telegramId);
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() ->
                        assertThat(timer.totalTime(TimeUnit.MINUTES) - before).isGreaterThanOrEqualTo(10));
    }

    private static RegisterUser registration(long telegramId) {
        return registration(telegramId, newPhoneNumber());
    }

    private static RegisterUser registration(long telegramId, String phoneNumber) {
        return new RegisterUser(UUID.randomUUID(), Instant.now(), telegramId, phoneNumber, "uz", false);
    }

    private static VerifyCode check(long telegramId, String code) {
        return new VerifyCode(UUID.randomUUID(), Instant.now(), telegramId, code);
    }

    private static String wrongCode(String code) {
        return code.equals("000000") ? "111111" : "000000";
    }

    /** A registration whose reply no producer can send: its reply partition is negative. */
    private ProducerRecord<String, byte[]> unanswerable(RegisterUser command) {
        var record = record(command, TestClient.REGISTRATION_REPLIES.getBytes(StandardCharsets.UTF_8));
        record.headers()
                .add(
                        KafkaHeaders.REPLY_PARTITION,
                        ByteBuffer.allocate(4).putInt(-1).array());
        return record;
    }

    private ProducerRecord<String, byte[]> record(RegisterUser command, byte[] replyTopic) {
        var record = new ProducerRecord<>(
                Topics.CHAT_REGISTRATIONS, Topics.key(command.telegramId()), json.writeValueAsBytes(command));
        record.headers().add(KafkaHeaders.REPLY_TOPIC, replyTopic);
        return record;
    }

    private int chatCodesInWindow(long telegramId) {
        return jdbc.sql("SELECT chat_codes_in_window FROM users WHERE telegram_id = ?")
                .param(telegramId)
                .query(Integer.class)
                .single();
    }

    /** A user whose records go to the same partition as {@code telegramId}'s, by the producers' default partitioner. */
    private long sharingAPartitionWith(long telegramId) {
        long other;
        do {
            other = newTelegramId();
        } while (partition(other) != partition(telegramId));
        return other;
    }

    private int partition(long telegramId) {
        byte[] key = Topics.key(telegramId).getBytes(StandardCharsets.UTF_8);
        return Utils.toPositive(Utils.murmur2(key)) % properties.topicPartitions();
    }

    /** A listener held back while records are sent, one after another; closed, it takes them all in one poll. */
    private final class OnePoll implements AutoCloseable {

        private final MessageListenerContainer container;
        private final TopicRecorder sent;

        OnePoll(String listener, String topic) {
            container = listeners.getListenerContainer(listener);
            sent = TopicRecorder.start(topic);
            container.pause();
            await().atMost(Duration.ofSeconds(30)).until(container::isContainerPaused);
        }

        /** Sends a record, and waits until it is on the topic, after the ones sent before it. */
        <T> T send(Callable<T> sending) throws Exception {
            int before = sent.records().size();
            T result = sending.call();
            await().atMost(Duration.ofSeconds(20)).until(() -> sent.records().size() > before);
            return result;
        }

        /** Sends a record, and waits until it is on the topic, after the ones sent before it. */
        void send(RawSend sending) throws Exception {
            send(() -> {
                sending.send();
                return null;
            });
        }

        @Override
        public void close() {
            container.resume();
            sent.close();
        }
    }

    private interface RawSend {
        void send() throws Exception;
    }
}
