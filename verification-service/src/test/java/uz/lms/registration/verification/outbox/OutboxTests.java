package uz.lms.registration.verification.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Status;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.transaction.support.TransactionTemplate;
import uz.lms.registration.contracts.DeliverCode;
import uz.lms.registration.contracts.RegisterUser;
import uz.lms.registration.contracts.RegistrationOutcome.CodeSent;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.contracts.UserEvent;
import uz.lms.registration.testsupport.TopicRecorder;
import uz.lms.registration.verification.TestClient;
import uz.lms.registration.verification.VerificationServiceTest;

class OutboxTests extends VerificationServiceTest {

    @Autowired
    PayloadCipher cipher;

    @Autowired
    OutboxHealthIndicator health;

    @Autowired
    OutboxPublisher publisher;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    MeterRegistry meters;

    @Test
    void aBatchOfManyUsersRecordsIsPublishedAndDeletedInOneGo() {
        Map<Long, List<UserEvent>> events = new LinkedHashMap<>();
        List<Long> ids = new ArrayList<>();
        for (int user = 0; user < 10; user++) {
            long telegramId = newTelegramId();
            for (int record = 0; record < 3; record++) {
                UserEvent event = codeIssued(telegramId);
                events.computeIfAbsent(telegramId, key -> new ArrayList<>()).add(event);
                ids.add(appendUnswept(Topics.USER_EVENTS, telegramId, event));
            }
        }

        assertThat(publisher.publishCommitted(ids)).isEqualTo(30);

        assertThat(rowsAmong(ids)).isZero();
        events.forEach((telegramId, published) ->
                await().untilAsserted(() -> assertThat(userEvents(telegramId)).containsExactlyElementsOf(published)));
    }

    @Test
    void aRowPublishedAfterTheRelayRestartedContinuesTheTraceOfTheCommandThatWroteItAndOneWithoutStartsItsOwn() {
        long traced = newTelegramId();
        long untraced = newTelegramId();
        String trace = newTraceId();
        // As a relay that stopped before publishing left them: one written by a command in a trace, one before V6.
        List<Long> ids = List.of(
                appendUnswept(Topics.USER_EVENTS, traced, codeIssued(traced), "00-" + trace + "-00f067aa0ba902b7-01"),
                appendUnswept(Topics.USER_EVENTS, untraced, codeIssued(untraced)));

        assertThat(publisher.publishCommitted(ids)).isEqualTo(2);

        await().untilAsserted(() -> {
            assertThat(traceIds(userEvents.records(), traced)).containsExactly(trace);
            assertThat(traceIds(userEvents.records(), untraced)).singleElement().isNotEqualTo(trace);
        });
    }

    @Test
    void aRecordKafkaRefusesKeepsItsRowAsItWasAndTheRestOfItsBatchGoes() {
        long telegramId = newTelegramId();
        long refusedUser = newTelegramId();
        UserEvent event = codeIssued(telegramId);
        long published = appendUnswept(Topics.USER_EVENTS, telegramId, event);
        // A topic name Kafka refuses: its send fails.
        long refused = appendUnswept(
                "no such topic!", refusedUser, codeIssued(refusedUser), "00-" + newTraceId() + "-00f067aa0ba902b7-01");
        Map<String, Object> before = row(refused);
        try {
            assertThat(publisher.publishCommitted(List.of(published, refused))).isEqualTo(1);

            assertThat(rowsAmong(List.of(published))).isZero();
            assertThat(row(refused))
                    .as("put back under its id, time, payload and trace")
                    .isEqualTo(before);
            await().untilAsserted(() -> assertThat(userEvents(telegramId)).containsExactly(event));
        } finally {
            jdbc.sql("DELETE FROM outbox WHERE id = ?").param(refused).update();
        }
    }

    @Test
    void rowsAnotherRelayHoldsAreSkippedNotPublishedTwice() {
        List<Long> users = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        for (int user = 0; user < 6; user++) {
            long telegramId = newTelegramId();
            users.add(telegramId);
            ids.add(appendUnswept(Topics.USER_EVENTS, telegramId, codeIssued(telegramId)));
        }
        List<Long> held = ids.subList(0, 3);

        // The other relay holds its claimed rows' locks until its acknowledgements are in.
        int publishedMeanwhile = transactions.execute(status -> {
            jdbc.sql("SELECT id FROM outbox WHERE id IN (:ids) FOR UPDATE")
                    .param("ids", held)
                    .query(Long.class)
                    .list();
            return CompletableFuture.supplyAsync(() -> publisher.publishCommitted(ids))
                    .join();
        });
        int publishedAfter = publisher.publishCommitted(ids);

        assertThat(publishedMeanwhile).isEqualTo(3);
        assertThat(publishedAfter).isEqualTo(3);
        assertEachPublishedOnce(users);
    }

    @Test
    void twoRelaysRacingForOneBatchPublishEachRecordOnce() throws Exception {
        List<Long> users = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        for (int user = 0; user < 200; user++) {
            long telegramId = newTelegramId();
            users.add(telegramId);
            ids.add(appendUnswept(Topics.USER_EVENTS, telegramId, codeIssued(telegramId)));
        }
        CyclicBarrier start = new CyclicBarrier(2);
        Callable<Integer> relay = () -> {
            start.await();
            return publisher.publishCommitted(ids);
        };

        try (ExecutorService relays = Executors.newFixedThreadPool(2)) {
            Future<Integer> first = relays.submit(relay);
            Future<Integer> second = relays.submit(relay);
            assertThat(first.get() + second.get()).isEqualTo(200);
        }
        assertThat(rowsAmong(ids)).isZero();
        assertEachPublishedOnce(users);
    }

    /**
     * Each user's one record was published once: a later record of the user's, on the same partition, is read
     * after any copy of it.
     */
    private void assertEachPublishedOnce(List<Long> users) {
        Map<Long, UserEvent> markers = new LinkedHashMap<>();
        users.forEach(telegramId -> markers.put(telegramId, codeIssued(telegramId)));
        List<Long> markerIds = new ArrayList<>();
        markers.forEach((telegramId, marker) -> markerIds.add(appendUnswept(Topics.USER_EVENTS, telegramId, marker)));
        assertThat(publisher.publishCommitted(markerIds)).isEqualTo(users.size());
        markers.forEach((telegramId, marker) -> await().untilAsserted(() ->
                assertThat(userEvents(telegramId)).hasSize(2).last().isEqualTo(marker)));
    }

    private UserEvent codeIssued(long telegramId) {
        return new UserEvent.CodeIssued(UUID.randomUUID(), clock.instant(), telegramId, clock.instant());
    }

    /** A committed row the sweep leaves alone (it is not older than the sweep interval): only the test publishes it. */
    private long appendUnswept(String topic, long telegramId, UserEvent event) {
        return appendUnswept(topic, telegramId, event, null);
    }

    /** As {@link #appendUnswept(String, long, UserEvent)}, by a command of the trace of {@code traceparent}. */
    private long appendUnswept(String topic, long telegramId, UserEvent event, @Nullable String traceparent) {
        return jdbc.sql("""
                        INSERT INTO outbox (topic, record_key, payload, created_at, traceparent)
                        VALUES (?, ?, ?, now() + interval '1 hour', ?) RETURNING id""")
                .params(
                        topic,
                        Topics.key(telegramId),
                        cipher.seal(topic, Topics.key(telegramId), json.writeValueAsBytes(event)),
                        traceparent)
                .query(Long.class)
                .single();
    }

    private long rowsAmong(List<Long> ids) {
        return jdbc.sql("SELECT count(*) FROM outbox WHERE id IN (:ids)")
                .param("ids", ids)
                .query(Long.class)
                .single();
    }

    private Map<String, Object> row(long id) {
        return jdbc.sql(
                        "SELECT id, topic, record_key, encode(payload, 'hex') AS payload, created_at, traceparent FROM outbox"
                                + " WHERE id = ?")
                .param(id)
                .query()
                .singleRow();
    }

    @Test
    void recordsLeftBehindByACrashArePublishedByTheSweep() {
        long telegramId = newTelegramId();
        var event = new UserEvent.CodeIssued(UUID.randomUUID(), clock.instant(), telegramId, clock.instant());
        jdbc.sql(
                        "INSERT INTO outbox (topic, record_key, payload, created_at) VALUES (?, ?, ?, now() - interval '1 minute')")
                .params(
                        Topics.USER_EVENTS,
                        Topics.key(telegramId),
                        cipher.seal(Topics.USER_EVENTS, Topics.key(telegramId), json.writeValueAsBytes(event)))
                .update();

        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(userEvents(telegramId)).containsExactly(event));
        // The row goes when Kafka's acknowledgement lets the sweep's transaction commit.
        await().untilAsserted(() -> assertThat(jdbc.sql("SELECT count(*) FROM outbox WHERE record_key = ?")
                        .param(Topics.key(telegramId))
                        .query(Long.class)
                        .single())
                .isZero());
    }

    @Test
    void aReplyAddressNobodyCanReceiveStallsNothing() throws Exception {
        long hostile = newTelegramId();
        var command = new RegisterUser(UUID.randomUUID(), Instant.now(), hostile, newPhoneNumber(), "uz", false);
        var record =
                new ProducerRecord<>(Topics.CHAT_REGISTRATIONS, Topics.key(hostile), json.writeValueAsBytes(command));
        // A reply topic the service answers on, but a partition no topic has.
        record.headers()
                .add(KafkaHeaders.REPLY_TOPIC, TestClient.REGISTRATION_REPLIES.getBytes(StandardCharsets.UTF_8));
        record.headers()
                .add(
                        KafkaHeaders.REPLY_PARTITION,
                        ByteBuffer.allocate(Integer.BYTES).putInt(-1).array());
        record.headers().add(KafkaHeaders.CORRELATION_ID, new byte[] {1, 2, 3});

        client.sendRaw(record);

        assertThat(deliveredCode(hostile).telegramId())
                .as("its events are published")
                .isEqualTo(hostile);
        assertThat(client.register(newTelegramId(), newPhoneNumber())).isEqualTo(new CodeSent(60));
        await().untilAsserted(() -> assertThat(jdbc.sql("SELECT count(*) FROM outbox")
                        .query(Long.class)
                        .single())
                .isZero());
    }

    @Test
    void aUsersNewRecordsWaitForOlderOnesLeftBehind() {
        long telegramId = newTelegramId();
        var leftBehind = new UserEvent.CodeIssued(UUID.randomUUID(), clock.instant(), telegramId, clock.instant());
        // A record whose publish failed moments ago: the sweep will take it once it is a second old.
        jdbc.sql("INSERT INTO outbox (topic, record_key, payload) VALUES (?, ?, ?)")
                .params(
                        Topics.USER_EVENTS,
                        Topics.key(telegramId),
                        cipher.seal(Topics.USER_EVENTS, Topics.key(telegramId), json.writeValueAsBytes(leftBehind)))
                .update();

        assertThat(client.register(telegramId, newPhoneNumber())).isEqualTo(new CodeSent(60));

        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() ->
                        assertThat(userEvents(telegramId)).hasSize(3).first().isEqualTo(leftBehind));
        assertThat(userEvents(telegramId))
                .extracting(Object::getClass)
                .containsExactly(
                        UserEvent.CodeIssued.class, UserEvent.UserRegistered.class, UserEvent.CodeIssued.class);
    }

    @Test
    void aRecordThatCannotBeOpenedIsDroppedAndHoldsNothingBack() {
        long telegramId = newTelegramId();
        // Sealed under some other code secret, say before a rotation.
        jdbc.sql(
                        "INSERT INTO outbox (topic, record_key, payload, created_at) VALUES (?, ?, ?, now() - interval '1 minute')")
                .params(Topics.USER_EVENTS, Topics.key(telegramId), new byte[40])
                .update();

        assertThat(client.register(telegramId, newPhoneNumber())).isEqualTo(new CodeSent(60));

        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(userEvents(telegramId))
                        .extracting(Object::getClass)
                        .containsExactly(UserEvent.UserRegistered.class, UserEvent.CodeIssued.class));
        await().untilAsserted(() -> assertThat(jdbc.sql("SELECT count(*) FROM outbox WHERE record_key = ?")
                        .param(Topics.key(telegramId))
                        .query(Long.class)
                        .single())
                .isZero());
    }

    @Test
    void aSealedCodeCopiedOntoATopicAnyoneReadsOrToAnotherUserIsDroppedNotPublished() {
        long owner = newTelegramId();
        long other = newTelegramId();
        UUID copied = UUID.randomUUID();
        byte[] sealedCode = cipher.seal(
                Topics.VERIFICATION_CODES,
                Topics.key(owner),
                json.writeValueAsBytes(new DeliverCode(
                        copied,
                        clock.instant(),
                        owner,
                        "348291",
                        clock.instant().plusSeconds(60),
                        "uz",
                        clock.instant())));
        // As whoever may write the outbox would: the owner's sealed code in a row of user.events, which anyone may
        // read, and in a row of verification.codes keyed to another user, both left behind for the sweep.
        jdbc.sql("""
                        INSERT INTO outbox (topic, record_key, payload, created_at)
                        VALUES (?, ?, ?, now() - interval '1 minute'), (?, ?, ?, now() - interval '1 minute')""")
                .params(
                        Topics.USER_EVENTS,
                        Topics.key(owner),
                        sealedCode,
                        Topics.VERIFICATION_CODES,
                        Topics.key(other),
                        sealedCode)
                .update();

        // Each user's own records wait for the older row on their topic and key: they come once it is handled.
        assertThat(client.register(owner, newPhoneNumber())).isEqualTo(new CodeSent(60));
        assertThat(client.register(other, newPhoneNumber())).isEqualTo(new CodeSent(60));

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(valuesUnder(userEvents, owner)).hasSize(2);
            assertThat(valuesUnder(codes, other)).hasSize(1);
        });
        assertThat(valuesUnder(userEvents, owner)).noneMatch(value -> value.contains(copied.toString()));
        assertThat(valuesUnder(codes, other)).noneMatch(value -> value.contains(copied.toString()));
        assertThat(jdbc.sql("SELECT count(*) FROM outbox WHERE record_key IN (?, ?)")
                        .params(Topics.key(owner), Topics.key(other))
                        .query(Long.class)
                        .single())
                .isZero();
    }

    /** The raw values {@code recorder} holds under the user's key. */
    private static List<String> valuesUnder(TopicRecorder recorder, long telegramId) {
        return recorder.records().stream()
                .filter(record -> Topics.key(telegramId).equals(record.key()))
                .map(record -> new String(record.value(), StandardCharsets.UTF_8))
                .toList();
    }

    @Test
    void aRowThatCannotBePublishedForLongShowsInHealth() {
        long id = unpublishable(clock.instant().minus(Duration.ofMinutes(2)));
        try {
            assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.health().getDetails()).containsEntry("publisher_alive", true);
        } finally {
            // The sweep, trying it again, may hold the row deleted and put it back after this DELETE found nothing.
            await().until(() -> {
                jdbc.sql("DELETE FROM outbox WHERE id = ?").param(id).update();
                return rowsAmong(List.of(id)) == 0;
            });
        }
        await().untilAsserted(() -> assertThat(health.health().getStatus()).isEqualTo(Status.UP));
    }

    @Test
    void theOutboxAgeIsTheOldestUnpublishedRowsAgeByTheServicesClock() {
        long id = unpublishable(clock.instant());
        try {
            clock.advance(Duration.ofSeconds(90));

            await().untilAsserted(() -> assertThat(
                            meters.get("verification.outbox.age").gauge().value())
                    .isEqualTo(90));
        } finally {
            jdbc.sql("DELETE FROM outbox WHERE id = ?").param(id).update();
        }
        await().untilAsserted(() -> assertThat(
                        meters.get("verification.outbox.age").gauge().value())
                .as("nothing left to publish")
                .isZero());
    }

    /** A row written at {@code createdAt} for a topic name Kafka refuses: every send fails, and the row stays. */
    private long unpublishable(Instant createdAt) {
        long telegramId = newTelegramId();
        var event = new UserEvent.CodeIssued(UUID.randomUUID(), clock.instant(), telegramId, clock.instant());
        return jdbc.sql("""
                        INSERT INTO outbox (topic, record_key, payload, created_at)
                        VALUES ('no such topic!', ?, ?, ?) RETURNING id""")
                .params(
                        Topics.key(telegramId),
                        cipher.seal("no such topic!", Topics.key(telegramId), json.writeValueAsBytes(event)),
                        createdAt.atOffset(ZoneOffset.UTC))
                .query(Long.class)
                .single();
    }
}
