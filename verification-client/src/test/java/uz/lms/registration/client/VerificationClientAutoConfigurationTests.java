package uz.lms.registration.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;
import uz.lms.registration.testsupport.EmbeddedInfrastructure;

/** A service's set-up as the gateway and the bot have it: Boot's Kafka settings, and the client's own. */
class VerificationClientAutoConfigurationTests {

    private final ApplicationContextRunner service = new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(KafkaAutoConfiguration.class, VerificationClientAutoConfiguration.class))
            .withPropertyValues(
                    "spring.kafka.bootstrap-servers=" + EmbeddedInfrastructure.bootstrapServers(),
                    "spring.kafka.producer.value-serializer="
                            + "org.springframework.kafka.support.serializer.JacksonJsonSerializer",
                    "spring.kafka.producer.properties.spring.json.add.type.headers=false",
                    "spring.kafka.consumer.value-deserializer="
                            + "org.springframework.kafka.support.serializer.JacksonJsonDeserializer",
                    "spring.kafka.consumer.properties.spring.json.use.type.headers=false");

    @Test
    void aServiceThatEnablesTheClientsPropertiesGetsTheClientAndDeclaresItsReplyTopics() {
        service.withUserConfiguration(Requester.class)
                .withPropertyValues(
                        "verification-client.requester=auto",
                        "verification-client.command-topics=gateway",
                        "verification-client.reply-timeout=3s",
                        "verification-client.reply-partitions=2")
                .run(context -> {
                    assertThat(context).hasSingleBean(VerificationClient.class);
                    assertThat(context.getBean(VerificationClient.class).replyPartitionsAssigned())
                            .isTrue();
                    assertThat(context.getBean(KafkaAdmin.class)
                                    .describeTopics("auto.registration.replies", "auto.verification.replies")
                                    .values())
                            .extracting(
                                    TopicDescription::name,
                                    topic -> topic.partitions().size())
                            .containsExactlyInAnyOrder(
                                    tuple("auto.registration.replies", 2), tuple("auto.verification.replies", 2));
                });
    }

    @Test
    void aServiceThatDoesNotGetsNeitherClientNorReplyTopics() {
        service.run(context -> assertThat(context)
                .hasNotFailed()
                .doesNotHaveBean(VerificationClient.class)
                .doesNotHaveBean(KafkaAdmin.NewTopics.class));
    }

    @Test
    void aRequesterWithoutANameCommandTopicsOrTimeoutRefusesToStart() {
        service.withUserConfiguration(Requester.class)
                .withPropertyValues("verification-client.reply-partitions=2")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("'verification-client' on field 'requester'")
                        .hasMessageContaining("'verification-client' on field 'commandTopics'")
                        .hasMessageContaining("'verification-client' on field 'replyTimeout'"));
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(VerificationClientProperties.class)
    static class Requester {}
}
