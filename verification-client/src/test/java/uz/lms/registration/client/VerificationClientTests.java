package uz.lms.registration.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.kafka.support.serializer.JacksonJsonDeserializer;
import org.springframework.kafka.support.serializer.JacksonJsonSerializer;
import uz.lms.registration.contracts.RegisterUser;
import uz.lms.registration.contracts.RegistrationOutcome.CodeSent;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.contracts.VerificationOutcome.Verified;
import uz.lms.registration.contracts.VerifyCode;
import uz.lms.registration.testsupport.EmbeddedInfrastructure;

/** The client on the embedded broker, with a scripted verification-service or none at all. */
@ExtendWith(OutputCaptureExtension.class)
class VerificationClientTests {

    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(3);
    private static final String PHONE_NUMBER = "+998901234567";

    private final List<Runnable> cleanUp = new ArrayList<>();

    @AfterEach
    void stop() {
        cleanUp.reversed().forEach(Runnable::run);
    }

    @Test
    void eachRequestGetsTheReplyToIt() {
        try (ScriptedVerifier verifier = new ScriptedVerifier()) {
            VerificationClient client = start(EmbeddedInfrastructure.bootstrapServers());
            long registering = newTelegramId();
            long verifying = newTelegramId();

            var registration = client.register(registerUser(registering));
            var verification = client.verify(new VerifyCode(UUID.randomUUID(), Instant.now(), verifying, "348291"));

            assertThat(registration).succeedsWithin(REPLY_TIMEOUT).satisfies(reply -> {
                assertThat(reply.telegramId()).isEqualTo(registering);
                assertThat(reply.outcome()).isEqualTo(new CodeSent(60));
            });
            assertThat(verification).succeedsWithin(REPLY_TIMEOUT).satisfies(reply -> {
                assertThat(reply.telegramId()).isEqualTo(verifying);
                assertThat(reply.outcome()).isEqualTo(new Verified());
            });
        }
    }

    @Test
    void eachSendIsObservedInItsCallersObservationAndNoReplyIs() {
        // What each observation is, and which observation was current on the thread that started it.
        List<String> observed = new CopyOnWriteArrayList<>();
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }

            @Override
            public void onStart(Observation.Context context) {
                var parent = context.getParentObservation();
                observed.add(context.getName() + " in "
                        + (parent == null ? "none" : parent.getContextView().getName()));
            }
        });
        try (ScriptedVerifier verifier = new ScriptedVerifier()) {
            VerificationClient client =
                    start(EmbeddedInfrastructure.bootstrapServers(), CommandTopics.GATEWAY, observations);
            Observation caller = Observation.start("caller", observations);

            try (var scope = caller.openScope()) {
                assertThat(client.register(registerUser(newTelegramId()))).succeedsWithin(REPLY_TIMEOUT);
                assertThat(client.verify(new VerifyCode(UUID.randomUUID(), Instant.now(), newTelegramId(), "348291")))
                        .succeedsWithin(REPLY_TIMEOUT);
            }
            caller.stop();

            assertThat(observed)
                    .containsExactly(
                            "caller in none", "spring.kafka.template in caller", "spring.kafka.template in caller");
        }
    }

    @Test
    void eachRequesterSendsItsCommandsOnItsOwnTopics() {
        try (ScriptedVerifier verifier = new ScriptedVerifier()) {
            VerificationClient gateway = start(EmbeddedInfrastructure.bootstrapServers(), CommandTopics.GATEWAY);
            VerificationClient bot = start(EmbeddedInfrastructure.bootstrapServers(), CommandTopics.CHAT);
            long caller = newTelegramId();
            long chat = newTelegramId();

            assertThat(gateway.register(registerUser(caller))).succeedsWithin(REPLY_TIMEOUT);
            assertThat(gateway.verify(new VerifyCode(UUID.randomUUID(), Instant.now(), caller, "348291")))
                    .succeedsWithin(REPLY_TIMEOUT);
            assertThat(bot.register(registerUser(chat))).succeedsWithin(REPLY_TIMEOUT);
            assertThat(bot.verify(new VerifyCode(UUID.randomUUID(), Instant.now(), chat, "348291")))
                    .succeedsWithin(REPLY_TIMEOUT);

            assertThat(verifier.answered())
                    .filteredOn(command -> command.key().equals(Long.toString(caller)))
                    .extracting(ConsumerRecord::topic)
                    .containsExactly(Topics.REGISTRATION_REQUESTS, Topics.VERIFICATION_REQUESTS);
            assertThat(verifier.answered())
                    .filteredOn(command -> command.key().equals(Long.toString(chat)))
                    .extracting(ConsumerRecord::topic)
                    .containsExactly(Topics.CHAT_REGISTRATIONS, Topics.CHAT_VERIFICATIONS);
        }
    }

    @Test
    void eachCommandCarriesADeadlineAFifthOfTheReplyTimeoutBeforeItsRequesterGivesUp() {
        try (ScriptedVerifier verifier = new ScriptedVerifier()) {
            VerificationClient client = start(EmbeddedInfrastructure.bootstrapServers());
            long telegramId = newTelegramId();
            Instant sent = Instant.now();

            assertThat(client.register(registerUser(telegramId))).succeedsWithin(REPLY_TIMEOUT);

            Header deadline = verifier.answered().stream()
                    .filter(command -> command.key().equals(Long.toString(telegramId)))
                    .findFirst()
                    .orElseThrow()
                    .headers()
                    .lastHeader(Topics.DEADLINE_HEADER);
            assertThat(Instant.parse(new String(deadline.value(), StandardCharsets.US_ASCII)))
                    .isBetween(
                            sent.plus(REPLY_TIMEOUT.multipliedBy(4).dividedBy(5)),
                            Instant.now().plus(REPLY_TIMEOUT.multipliedBy(4).dividedBy(5)));
        }
    }

    @Test
    void withoutAReplyARequestFailsAtTheReplyTimeoutAndTheLogNamesTheTelegramIdAndTheFailureOnly(
            CapturedOutput output) {
        VerificationClient client = start(EmbeddedInfrastructure.bootstrapServers());
        long telegramId = newTelegramId();
        long started = System.nanoTime();

        var registration = client.register(registerUser(telegramId));

        assertThat(registration).failsWithin(REPLY_TIMEOUT.plusSeconds(1));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(REPLY_TIMEOUT.minusMillis(50));
        await().untilAsserted(
                        () -> assertThat(output)
                                .containsPattern(
                                        "register telegram_id=" + telegramId
                                                + ": no usable reply from verification-service within PT3S \\((Kafka)?[A-Za-z]*TimeoutException\\)"));
        assertThat(output).doesNotContain(PHONE_NUMBER);
    }

    @Test
    void aSendStuckOnAnUnreachableBrokerHoldsNoCallerAndFailsAtTheReplyTimeout() {
        VerificationClient client = start("localhost:1");
        long started = System.nanoTime();

        var registration = client.register(registerUser(newTelegramId()));

        // A caller held by the send would get its future back done: failed by the send's 10 s max.block.ms.
        assertThat(registration).isNotDone();
        assertThat(registration)
                .failsWithin(REPLY_TIMEOUT.plusSeconds(5))
                .withThrowableThat()
                .withRootCauseInstanceOf(TimeoutException.class);
        // At the reply timeout, not before it: the send has not failed yet.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(REPLY_TIMEOUT.minusMillis(50));
    }

    @Test
    void aServiceThatSetsItUpDeclaresItsReplyTopicsAndIsReadyOnceStarted() throws Exception {
        try (ConfigurableApplicationContext service = new SpringApplicationBuilder(Requester.class)
                        .web(WebApplicationType.NONE)
                        .run();
                Admin admin = Admin.create(Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedInfrastructure.bootstrapServers()))) {
            VerificationClient client = service.getBean(VerificationClient.class);
            List<String> replyTopics = List.of("requester.registration.replies", "requester.verification.replies");

            assertThat(client.isRunning()).isTrue();
            assertThat(client.replyPartitionsAssigned()).isTrue();
            assertThat(admin.describeTopics(replyTopics).allTopicNames().get().values())
                    .extracting(TopicDescription::partitions)
                    .allSatisfy(partitions -> assertThat(partitions).hasSize(2));
            assertThat(admin.describeConfigs(replyTopics.stream()
                                    .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic))
                                    .toList())
                            .all()
                            .get()
                            .values())
                    .allSatisfy(config -> assertThat(
                                    config.get(TopicConfig.RETENTION_MS_CONFIG).value())
                            .isEqualTo(String.valueOf(Duration.ofHours(1).toMillis())));
            assertThat(admin.listGroups().all().get())
                    .extracting(GroupListing::groupId)
                    .anyMatch(group -> group.matches("requester\\.registration\\.replies\\.[0-9a-f-]{36}"))
                    .anyMatch(group -> group.matches("requester\\.verification\\.replies\\.[0-9a-f-]{36}"));
        }
    }

    /** @param brokers where the client sends its commands; it reads replies on the embedded broker */
    private VerificationClient start(String brokers) {
        return start(brokers, CommandTopics.GATEWAY);
    }

    private VerificationClient start(String brokers, CommandTopics commandTopics) {
        return start(brokers, commandTopics, ObservationRegistry.NOOP);
    }

    private VerificationClient start(String brokers, CommandTopics commandTopics, ObservationRegistry observations) {
        DefaultKafkaProducerFactory<String, Object> producers = producers(brokers);
        cleanUp.add(producers::destroy);
        var client = new VerificationClient(
                producers, consumers(), "client-tests", commandTopics, REPLY_TIMEOUT, 3, observations);
        cleanUp.add(client::destroy);
        cleanUp.add(client::stop);
        client.start();
        return client;
    }

    private static DefaultKafkaProducerFactory<String, Object> producers(String bootstrapServers) {
        return new DefaultKafkaProducerFactory<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                JacksonJsonSerializer.class,
                JacksonJsonSerializer.ADD_TYPE_INFO_HEADERS,
                false,
                // a stuck send outlives the request, but not the test run by much
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                10_000));
    }

    private static ConsumerFactory<String, Object> consumers() {
        return new DefaultKafkaConsumerFactory<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedInfrastructure.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ErrorHandlingDeserializer.class,
                ErrorHandlingDeserializer.VALUE_DESERIALIZER_CLASS, JacksonJsonDeserializer.class,
                JacksonJsonDeserializer.USE_TYPE_INFO_HEADERS, false));
    }

    private static RegisterUser registerUser(long telegramId) {
        return new RegisterUser(UUID.randomUUID(), Instant.now(), telegramId, PHONE_NUMBER, "uz", false);
    }

    private static long newTelegramId() {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }

    /** A requesting service's set-up, as the gateway and the bot have it. */
    @Configuration(proxyBeanMethods = false)
    static class Requester {

        @Bean
        KafkaAdmin admin() {
            return new KafkaAdmin(
                    Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedInfrastructure.bootstrapServers()));
        }

        @Bean
        DefaultKafkaProducerFactory<String, Object> producers() {
            return VerificationClientTests.producers(EmbeddedInfrastructure.bootstrapServers());
        }

        @Bean
        VerificationClient verificationClient(ProducerFactory<String, Object> producers) {
            return new VerificationClient(
                    producers,
                    consumers(),
                    "requester",
                    CommandTopics.GATEWAY,
                    REPLY_TIMEOUT,
                    2,
                    ObservationRegistry.NOOP);
        }

        @Bean
        KafkaAdmin.NewTopics replyTopics(VerificationClient client) {
            return client.replyTopics();
        }
    }
}
