package uz.lms.registration.verification;

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
import uz.lms.registration.client.VerificationClient;
import uz.lms.registration.contracts.Channel;
import uz.lms.registration.contracts.RegisterUser;
import uz.lms.registration.contracts.RegisterUser.Source;
import uz.lms.registration.contracts.RegistrationOutcome;
import uz.lms.registration.contracts.RegistrationReply;
import uz.lms.registration.contracts.VerificationOutcome;
import uz.lms.registration.contracts.VerificationReply;
import uz.lms.registration.contracts.VerifyCode;
import uz.lms.registration.testsupport.EmbeddedInfrastructure;

/**
 * Commands as the gateway and the bot send them, through the {@link VerificationClient} they use, each
 * awaited; and raw records, as a broken or hostile producer sends them. Unless told otherwise it registers
 * and verifies as the bot does: from a shared contact, in the chat.
 */
public class TestClient implements AutoCloseable {

    private static final String REQUESTER = "verification-tests";

    /** The reply topic of the tests' registrations; a known one, as the gateway's and the bot's are. */
    public static final String REGISTRATION_REPLIES = REQUESTER + ".registration.replies";

    /** The tests' reply topics; the service under test must list them in {@code verification.reply-topics}. */
    public static final String REPLY_TOPICS = REGISTRATION_REPLIES + "," + REQUESTER + ".verification.replies";

    private final DefaultKafkaProducerFactory<String, Object> producers;
    private final VerificationClient client;
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
        client = new VerificationClient(producers, consumers, REQUESTER, replyTimeout, 3);
        client.start();
        rawProducers = new DefaultKafkaProducerFactory<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers),
                new StringSerializer(),
                new ByteArraySerializer());
        raw = new KafkaTemplate<>(rawProducers);
    }

    public RegistrationOutcome register(long telegramId, String phoneNumber) {
        return register(telegramId, phoneNumber, Source.TELEGRAM_CONTACT);
    }

    public RegistrationOutcome register(long telegramId, String phoneNumber, Source source) {
        return register(new RegisterUser(UUID.randomUUID(), Instant.now(), telegramId, phoneNumber, "uz", source))
                .outcome();
    }

    public RegistrationReply register(RegisterUser command) {
        return registering(command).join();
    }

    /** Sends the command and returns at once: its reply, when it comes. */
    public CompletableFuture<RegistrationReply> registering(RegisterUser command) {
        return client.register(command);
    }

    public VerificationOutcome verify(long telegramId, String code) {
        return verify(telegramId, code, Channel.CHAT);
    }

    public VerificationOutcome verify(long telegramId, String code, Channel channel) {
        return verifying(new VerifyCode(UUID.randomUUID(), Instant.now(), telegramId, code, channel))
                .join()
                .outcome();
    }

    /** Sends the command and returns at once: its reply, when it comes. */
    public CompletableFuture<VerificationReply> verifying(VerifyCode command) {
        return client.verify(command);
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
        client.stop();
        client.destroy();
        producers.destroy();
        rawProducers.destroy();
    }
}
