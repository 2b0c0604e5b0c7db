package uz.lms.registration.verification;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.requestreply.ReplyingKafkaTemplate;
import tools.jackson.databind.json.JsonMapper;
import uz.lms.registration.contracts.Channel;
import uz.lms.registration.contracts.RegisterUser;
import uz.lms.registration.contracts.RegisterUser.Source;
import uz.lms.registration.contracts.RegistrationOutcome;
import uz.lms.registration.contracts.RegistrationReply;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.contracts.VerificationOutcome;
import uz.lms.registration.contracts.VerificationReply;
import uz.lms.registration.contracts.VerifyCode;
import uz.lms.registration.testsupport.EmbeddedInfrastructure;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A requester as the gateway and the bot are: commands over Kafka, replies on a reply topic. Unless
 * told otherwise it registers and verifies as the bot does: from a shared contact, in the chat.
 */
public class CommandClient implements AutoCloseable {

    /** The tests' reply topic; the service under test must list it in {@code verification.reply-topics}. */
    public static final String REPLIES = "verification-tests.replies";

    private final JsonMapper json = JsonMapper.builder().build();
    private final ReplyingKafkaTemplate<String, byte[], byte[]> template;
    private final ConcurrentMessageListenerContainer<String, byte[]> replies;

    public CommandClient() throws InterruptedException {
        String servers = EmbeddedInfrastructure.bootstrapServers();
        var consumers = new DefaultKafkaConsumerFactory<String, byte[]>(
                Map.of("bootstrap.servers", servers, "group.id", "verification-tests-" + UUID.randomUUID(),
                        "auto.offset.reset", "latest"),
                new StringDeserializer(), new ByteArrayDeserializer());
        replies = new ConcurrentMessageListenerContainer<>(consumers, new ContainerProperties(REPLIES));
        var producers = new DefaultKafkaProducerFactory<String, byte[]>(Map.of("bootstrap.servers", servers, "linger.ms", 0),
                new StringSerializer(), new ByteArraySerializer());
        template = new ReplyingKafkaTemplate<>(producers, replies);
        template.setDefaultReplyTimeout(Duration.ofSeconds(20));
        template.setSharedReplyTopic(true);
        template.start();
        if (!template.waitForAssignment(Duration.ofSeconds(30))) {
            throw new IllegalStateException("reply topic was not assigned");
        }
    }

    public RegistrationOutcome register(long telegramId, String phoneNumber) {
        return register(telegramId, phoneNumber, Source.TELEGRAM_CONTACT);
    }

    public RegistrationOutcome register(long telegramId, String phoneNumber, Source source) {
        return register(new RegisterUser(UUID.randomUUID(), Instant.now(), telegramId, phoneNumber, "uz", source))
                .outcome();
    }

    public RegistrationReply register(RegisterUser command) {
        return json.readValue(request(Topics.REGISTRATION_REQUESTS, command.telegramId(), json.writeValueAsBytes(command)),
                RegistrationReply.class);
    }

    public VerificationOutcome verify(long telegramId, String code) {
        return verify(telegramId, code, Channel.CHAT);
    }

    public VerificationOutcome verify(long telegramId, String code, Channel channel) {
        VerifyCode command = new VerifyCode(UUID.randomUUID(), Instant.now(), telegramId, code, channel);
        return json.readValue(request(Topics.VERIFICATION_REQUESTS, telegramId, json.writeValueAsBytes(command)),
                VerificationReply.class).outcome();
    }

    /** Sends raw bytes with no reply address, as a broken or hostile producer would. */
    public void sendRaw(String topic, String key, byte[] value) throws Exception {
        sendRaw(new ProducerRecord<>(topic, key, value));
    }

    public void sendRaw(ProducerRecord<String, byte[]> record) throws Exception {
        template.send(record).get();
    }

    private byte[] request(String topic, long telegramId, byte[] value) {
        try {
            return template.sendAndReceive(new ProducerRecord<>(topic, Topics.key(telegramId), value)).get().value();
        } catch (Exception e) {
            throw new IllegalStateException("no reply from verification-service", e);
        }
    }

    @Override
    public void close() {
        template.stop();
        template.destroy();
    }
}
