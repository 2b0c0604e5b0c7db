package uz.lms.registration.verification;

import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.kafka.support.serializer.JacksonJsonDeserializer;
import org.springframework.kafka.support.serializer.JacksonJsonSerializer;
import uz.lms.registration.client.CommandTopics;
import uz.lms.registration.client.VerificationClient;
import uz.lms.registration.contracts.RegisterUser;
import uz.lms.registration.contracts.RegistrationOutcome;
import uz.lms.registration.contracts.RegistrationReply;
import uz.lms.registration.contracts.VerificationOutcome;
import uz.lms.registration.contracts.VerificationReply;
import uz.lms.registration.contracts.VerifyCode;
import uz.lms.registration.testsupport.EmbeddedInfrastructure;
import uz.lms.registration.verification.users.Channel;
import uz.lms.registration.verification.users.Source;

/**
 * Commands as the gateway and the bot send them, through the {@link VerificationClient} they use, each on its
 * sender's own topics and awaited; and raw records, as a broken or hostile producer sends them. Unless told otherwise
 * it registers and verifies as the bot does: from a shared contact, in the chat.
 */
public class TestClient implements AutoCloseable {

    private static final String REQUESTER = "verification-tests";

    /** The reply topic of the tests' registrations; a known one, as the gateway's and the bot's are. */
    public static final String REGISTRATION_REPLIES = REQUESTER + ".registration.replies";

    /** The reply topic of the tests' verifications. */
    public static final String VERIFICATION_REPLIES = REQUESTER + ".verification.replies";

    /** The tests' reply topics; the service under test must list them in {@code verification.reply-topics}. */
    public static final String REPLY_TOPICS = REGISTRATION_REPLIES + "," + VERIFICATION_REPLIES;

    private final DefaultKafkaProducerFactory<String, Object> producers;
    private final VerificationClient bot;
    private final VerificationClient gateway;
    private final DefaultKafkaProducerFactory<String, byte[]> rawProducers;
    private final KafkaTemplate<String, byte[]> raw;

    public TestClient() {
        this(Duration.ofSeconds(20));
    }

    /** @param replyTimeout how long a command waits for its reply: the gateway's and the bot's is 5 s */
    public TestClient(Duration replyTimeout) {
        String servers = EmbeddedInfrastructure.bootstrapServers();
        producers = new DefaultKafkaProducerFactory<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                servers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                JacksonJsonSerializer.class,
                JacksonJsonSerializer.ADD_TYPE_INFO_HEADERS,
                false,
                ProducerConfig.LINGER_MS_CONFIG,
                0));
        var consumers = new DefaultKafkaConsumerFactory<String, Object>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ErrorHandlingDeserializer.class,
                ErrorHandlingDeserializer.VALUE_DESERIALIZER_CLASS, JacksonJsonDeserializer.class,
                JacksonJsonDeserializer.USE_TYPE_INFO_HEADERS, false));
        // One requester: both read the same reply topics, each keeping the replies to its own requests.
        bot = new VerificationClient(
                producers, consumers, REQUESTER, CommandTopics.CHAT, replyTimeout, 3, ObservationRegistry.NOOP);
        gateway = new VerificationClient(
                producers, consumers, REQUESTER, CommandTopics.GATEWAY, replyTimeout, 3, ObservationRegistry.NOOP);
        bot.start();
        gateway.start();
        rawProducers = new DefaultKafkaProducerFactory<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers),
                new StringSerializer(),
                new ByteArraySerializer());
        raw = new KafkaTemplate<>(rawProducers);
    }

    public RegistrationOutcome register(long telegramId, String phoneNumber) {
        return register(telegramId, phoneNumber, Source.TELEGRAM_CONTACT);
    }

    /**
     * As {@code source} sends it: a contact on the bot's topic; a caller's number on the gateway's, vouched for when
     * {@code source} is a trusted caller (which the service believes only if it trusts callers itself).
     */
    public RegistrationOutcome register(long telegramId, String phoneNumber, Source source) {
        var command = new RegisterUser(
                UUID.randomUUID(), Instant.now(), telegramId, phoneNumber, "uz", source == Source.TRUSTED_CALLER);
        return (source == Source.TELEGRAM_CONTACT ? register(command) : registerAsCaller(command)).outcome();
    }

    /** As the bot sends it. */
    public RegistrationReply register(RegisterUser command) {
        return registering(command).join();
    }

    /** As the gateway sends it. */
    public RegistrationReply registerAsCaller(RegisterUser command) {
        return gateway.register(command).join();
    }

    /** Sends the command as the bot does and returns at once: its reply, when it comes. */
    public CompletableFuture<RegistrationReply> registering(RegisterUser command) {
        return bot.register(command);
    }

    public VerificationOutcome verify(long telegramId, String code) {
        return verify(telegramId, code, Channel.CHAT);
    }

    /** Typed in the chat, on the bot's topic, or checked over HTTP, on the gateway's. */
    public VerificationOutcome verify(long telegramId, String code, Channel channel) {
        return verifying(new VerifyCode(UUID.randomUUID(), Instant.now(), telegramId, code), channel)
                .join()
                .outcome();
    }

    /** Sends the command as the bot does and returns at once: its reply, when it comes. */
    public CompletableFuture<VerificationReply> verifying(VerifyCode command) {
        return verifying(command, Channel.CHAT);
    }

    /** Sends the command by {@code channel} and returns at once: its reply, when it comes. */
    public CompletableFuture<VerificationReply> verifying(VerifyCode command, Channel channel) {
        return switch (channel) {
            case CHAT -> bot.verify(command);
            case API -> gateway.verify(command);
        };
    }

    /** Sends raw bytes with no reply address, as a broken or hostile producer would. */
    public void sendRaw(String topic, String key, byte[] value) throws Exception {
        sendRaw(new ProducerRecord<>(topic, key, value));
    }

    public void sendRaw(ProducerRecord<String, byte[]> record) throws Exception {
        raw.send(record).get();
    }

    @Override
    public void close() {
        bot.stop();
        gateway.stop();
        bot.destroy();
        gateway.destroy();
        producers.destroy();
        rawProducers.destroy();
    }
}
