package uz.lms.registration.client;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.test.utils.ContainerTestUtils;
import tools.jackson.databind.json.JsonMapper;
import uz.lms.registration.contracts.RegisterUser;
import uz.lms.registration.contracts.RegistrationOutcome;
import uz.lms.registration.contracts.RegistrationReply;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.contracts.VerificationOutcome;
import uz.lms.registration.contracts.VerificationReply;
import uz.lms.registration.contracts.VerifyCode;
import uz.lms.registration.testsupport.EmbeddedInfrastructure;

/**
 * verification-service as the client sees it: answers every registration with a code sent and every
 * verification with verified, on the reply topic and with the correlation id the command names.
 */
final class ScriptedVerifier implements AutoCloseable {

    private final JsonMapper json = JsonMapper.builder().build();
    private final KafkaMessageListenerContainer<String, byte[]> commands;
    private final DefaultKafkaProducerFactory<String, byte[]> producers;
    private final KafkaTemplate<String, byte[]> replies;
    private final List<ConsumerRecord<String, byte[]>> answered = new CopyOnWriteArrayList<>();

    ScriptedVerifier() {
        String servers = EmbeddedInfrastructure.bootstrapServers();
        producers = new DefaultKafkaProducerFactory<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers),
                new StringSerializer(),
                new ByteArraySerializer());
        replies = new KafkaTemplate<>(producers);
        var consumers = new DefaultKafkaConsumerFactory<String, byte[]>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        servers,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "scripted-verifier-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new StringDeserializer(),
                new ByteArrayDeserializer());
        var properties = new ContainerProperties(
                Topics.REGISTRATION_REQUESTS,
                Topics.VERIFICATION_REQUESTS,
                Topics.CHAT_REGISTRATIONS,
                Topics.CHAT_VERIFICATIONS);
        properties.setMessageListener((MessageListener<String, byte[]>) this::answer);
        commands = new KafkaMessageListenerContainer<>(consumers, properties);
        commands.start();
        // The four command topics, three partitions each: from here on no command goes unanswered.
        ContainerTestUtils.waitForAssignment(commands, 12);
    }

    /** The commands answered so far, headers and all. */
    List<ConsumerRecord<String, byte[]>> answered() {
        return answered;
    }

    private void answer(ConsumerRecord<String, byte[]> command) {
        answered.add(command);
        Object reply = command.topic().equals(Topics.REGISTRATION_REQUESTS)
                        || command.topic().equals(Topics.CHAT_REGISTRATIONS)
                ? new RegistrationReply(
                        UUID.randomUUID(),
                        Instant.now(),
                        json.readValue(command.value(), RegisterUser.class).telegramId(),
                        new RegistrationOutcome.CodeSent(60))
                : new VerificationReply(
                        UUID.randomUUID(),
                        Instant.now(),
                        json.readValue(command.value(), VerifyCode.class).telegramId(),
                        new VerificationOutcome.Verified());
        var record = new ProducerRecord<>(
                new String(
                        command.headers().lastHeader(KafkaHeaders.REPLY_TOPIC).value()),
                command.key(),
                json.writeValueAsBytes(reply));
        record.headers()
                .add(
                        KafkaHeaders.CORRELATION_ID,
                        command.headers()
                                .lastHeader(KafkaHeaders.CORRELATION_ID)
                                .value());
        replies.send(record);
    }

    @Override
    public void close() {
        commands.stop();
        producers.destroy();
    }
}
