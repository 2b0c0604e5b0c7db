package uz.lms.registration.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.requestreply.KafkaReplyTimeoutException;
import org.springframework.kafka.requestreply.ReplyingKafkaTemplate;
import tools.jackson.databind.json.JsonMapper;
import uz.lms.registration.contracts.AlreadyVerified;
import uz.lms.registration.contracts.DeliverCode;
import uz.lms.registration.contracts.PhoneNumberTaken;
import uz.lms.registration.contracts.RegisterUser;
import uz.lms.registration.contracts.RegistrationOutcome;
import uz.lms.registration.contracts.RegistrationReply;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.contracts.VerificationOutcome;
import uz.lms.registration.contracts.VerificationReply;
import uz.lms.registration.contracts.VerifyCode;

/** The fake driven as the gateway and the bot drive verification-service: spring-kafka's request/reply. */
class FakeVerifierTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static ReplyingKafkaTemplate<String, byte[], byte[]> requests;

    private final FakeVerifier verifier = FakeVerifier.start();

    @BeforeAll
    static void startRequester() throws InterruptedException {
        String servers = EmbeddedInfrastructure.bootstrapServers();
        var replies = new ConcurrentMessageListenerContainer<>(
                new DefaultKafkaConsumerFactory<String, byte[]>(
                        Map.of(
                                "bootstrap.servers",
                                servers,
                                "group.id",
                                "fake-verifier-tests-" + UUID.randomUUID(),
                                "auto.offset.reset",
                                "latest"),
                        new StringDeserializer(),
                        new ByteArrayDeserializer()),
                new ContainerProperties("fake-verifier-tests.replies"));
        requests = new ReplyingKafkaTemplate<>(
                new DefaultKafkaProducerFactory<>(
                        Map.of("bootstrap.servers", servers), new StringSerializer(), new ByteArraySerializer()),
                replies);
        requests.start();
        assertThat(requests.waitForAssignment(Duration.ofSeconds(30))).isTrue();
    }

    @AfterAll
    static void stopRequester() {
        requests.stop();
        requests.destroy();
    }

    @AfterEach
    void stopVerifier() {
        verifier.close();
    }

    @Test
    void byDefaultARegistrationGetsACodeAndAVerificationAnInvalidCodeAsAnUnknownUserWould() throws Exception {
        long user = newTelegramId();

        assertThat(register(user, "uz").outcome()).isEqualTo(new RegistrationOutcome.CodeSent(60));
        assertThat(verify(user, "123456").outcome()).isEqualTo(new VerificationOutcome.InvalidOrExpiredCode());
    }

    @Test
    void eachUserGetsTheOutcomeScriptedForThemElseTheDefault() throws Exception {
        long scripted = newTelegramId();
        long other = newTelegramId();
        verifier.answerRegistrations(new PhoneNumberTaken())
                .answerRegistrations(scripted, new RegistrationOutcome.TooManyRequests(20))
                .answerVerifications(new AlreadyVerified())
                .answerVerifications(scripted, new VerificationOutcome.Verified());

        assertThat(register(scripted, "uz").outcome()).isEqualTo(new RegistrationOutcome.TooManyRequests(20));
        assertThat(register(other, "uz").outcome()).isEqualTo(new PhoneNumberTaken());
        assertThat(verify(scripted, "123456").outcome()).isEqualTo(new VerificationOutcome.Verified());
        assertThat(verify(other, "123456").outcome()).isEqualTo(new AlreadyVerified());
        verifier.answerVerifications(scripted, new VerificationOutcome.AttemptsExhausted());
        assertThat(verify(scripted, "123456").outcome()).isEqualTo(new VerificationOutcome.AttemptsExhausted());
    }

    @Test
    void aCodeSentIsPublishedInTheCommandsLanguageBeforeTheReply() throws Exception {
        long user = newTelegramId();
        long refused = newTelegramId();
        verifier.answerRegistrations(refused, new AlreadyVerified());
        try (TopicRecorder codes = TopicRecorder.start(Topics.VERIFICATION_CODES)) {
            long published = codesPublished();

            RegistrationReply reply = register(user, "ru");
            // Asked of the broker as soon as the reply is in: the code is on the topic already.
            long publishedByTheReply = codesPublished();
            register(refused, "uz");

            assertThat(publishedByTheReply).isEqualTo(published + 1);
            assertThat(verifier.codesIssued(user)).singleElement().satisfies(code -> {
                assertThat(code.code()).matches("[0-9]{6}");
                assertThat(code.language()).isEqualTo("ru");
                assertThat(code.expiresAt()).isEqualTo(code.occurredAt().plusSeconds(60));
                assertThat(code.occurredAt()).isBefore(reply.occurredAt());
            });
            assertThat(codesPublished()).isEqualTo(published + 1);
            await().untilAsserted(() ->
                    assertThat(codes.values(DeliverCode.class, user)).isEqualTo(verifier.codesIssued(user)));
            assertThat(verifier.codesIssued(refused)).isEmpty();
            assertThat(codes.values(DeliverCode.class, refused)).isEmpty();
        }
    }

    @Test
    void everyCommandReadIsRecordedWithTheTopicItCameOn() throws Exception {
        long user = newTelegramId();
        RegisterUser registration =
                new RegisterUser(UUID.randomUUID(), Instant.now(), user, "+998901234567", "en", false);
        VerifyCode verification = new VerifyCode(UUID.randomUUID(), Instant.now(), user, "654321");

        request(Topics.CHAT_REGISTRATIONS, user, registration, Duration.ofSeconds(20));
        request(Topics.VERIFICATION_REQUESTS, user, verification, Duration.ofSeconds(20));

        assertThat(verifier.registrations(user)).containsExactly(registration);
        assertThat(verifier.verifications(user)).containsExactly(verification);
        assertThat(verifier.topicsOf(user)).containsExactly(Topics.CHAT_REGISTRATIONS, Topics.VERIFICATION_REQUESTS);
        assertThat(verifier.registrations(newTelegramId())).isEmpty();
    }

    @Test
    void aSilentVerifierRecordsCommandsButAnswersNoneAndIssuesNoCodeUntilToldToAnswerAgain() throws Exception {
        long user = newTelegramId();
        verifier.staySilent();

        assertThatThrownBy(() -> request(
                        Topics.REGISTRATION_REQUESTS,
                        user,
                        new RegisterUser(UUID.randomUUID(), Instant.now(), user, "+998901234567", "uz", false),
                        Duration.ofSeconds(2)))
                .hasCauseInstanceOf(KafkaReplyTimeoutException.class);
        // Recorded on the fake's thread, which a loaded machine may not have run by the reply timeout.
        await().until(() -> verifier.registrations(user).size() == 1);
        assertThat(verifier.codesIssued(user)).isEmpty();

        verifier.answerAgain();
        assertThat(register(user, "uz").outcome()).isEqualTo(new RegistrationOutcome.CodeSent(60));
    }

    private static RegistrationReply register(long telegramId, String language) throws Exception {
        return JSON.readValue(
                request(
                        Topics.REGISTRATION_REQUESTS,
                        telegramId,
                        new RegisterUser(
                                UUID.randomUUID(), Instant.now(), telegramId, "+998901234567", language, false),
                        Duration.ofSeconds(20)),
                RegistrationReply.class);
    }

    private static VerificationReply verify(long telegramId, String code) throws Exception {
        return JSON.readValue(
                request(
                        Topics.VERIFICATION_REQUESTS,
                        telegramId,
                        new VerifyCode(UUID.randomUUID(), Instant.now(), telegramId, code),
                        Duration.ofSeconds(20)),
                VerificationReply.class);
    }

    private static byte[] request(String topic, long telegramId, Object command, Duration timeout)
            throws ExecutionException, InterruptedException {
        return requests.sendAndReceive(
                        new ProducerRecord<>(topic, Topics.key(telegramId), JSON.writeValueAsBytes(command)), timeout)
                .get()
                .value();
    }

    /** Records on {@link Topics#VERIFICATION_CODES} so far, by the broker's end offsets. */
    private static long codesPublished() throws Exception {
        try (Admin admin = Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedInfrastructure.bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> partitions = admin
                    .describeTopics(List.of(Topics.VERIFICATION_CODES))
                    .allTopicNames()
                    .get()
                    .get(Topics.VERIFICATION_CODES)
                    .partitions()
                    .stream()
                    .collect(Collectors.toMap(
                            partition -> new TopicPartition(Topics.VERIFICATION_CODES, partition.partition()),
                            partition -> OffsetSpec.latest()));
            return admin.listOffsets(partitions).all().get().values().stream()
                    .mapToLong(ListOffsetsResultInfo::offset)
                    .sum();
        }
    }

    private static long newTelegramId() {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }
}
