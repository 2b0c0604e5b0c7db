package uz.lms.registration.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.metrics.KafkaMetricsAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import uz.lms.registration.testsupport.BareService;

/** What a service with Kafka listeners gets from this module without declaring it. */
class KafkaSupportAutoConfigurationTests {

    private final ApplicationContextRunner service = new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(KafkaAutoConfiguration.class, KafkaSupportAutoConfiguration.class));

    @Test
    void itsListenersGetTheDeadLetterHandlerAndTheirReadinessAsListeners() {
        service.run(context -> assertThat(context)
                .hasSingleBean(CommonErrorHandler.class)
                .hasSingleBean(ListenerAssignments.class)
                .hasBean("listeners"));
    }

    @Test
    void anErrorHandlerOfItsOwnWins() {
        CommonErrorHandler own = new DefaultErrorHandler();

        service.withBean(CommonErrorHandler.class, () -> own)
                .run(context ->
                        assertThat(context.getBean(CommonErrorHandler.class)).isSameAs(own));
    }

    /** Lag is read per group: Kafka tags its client metrics with the client id alone. */
    @Test
    void itsConsumersClientMetricsNameTheirGroup() {
        service.withConfiguration(AutoConfigurations.of(KafkaMetricsAutoConfiguration.class))
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .run(context -> {
                    MeterRegistry meters = context.getBean(MeterRegistry.class);
                    var consumers = context.getBean(DefaultKafkaConsumerFactory.class);
                    assertThat(consumers.getListeners())
                            .as("in place of Boot's untagged one")
                            .singleElement()
                            .isInstanceOf(GroupTaggedConsumerMetrics.class);
                    try (Consumer<?, ?> consumer = consumers.createConsumer("lagging-group", null)) {
                        assertThat(meters.find("kafka.consumer.fetch.manager.records.lag.max")
                                        .meters())
                                .singleElement()
                                .extracting(meter -> meter.getId().getTag("group.id"))
                                .isEqualTo("lagging-group");
                    }
                    // What Prometheus would refuse: a name the producers share with other tag keys.
                    MeterFilter appInfo = context.getBean(MeterFilter.class);
                    Meter.Id consumerAppInfo = new Meter.Id(
                            "kafka.app.info.start.time.ms",
                            Tags.of("client.id", "c", "group.id", "g", "kafka.version", "4"),
                            null,
                            null,
                            Meter.Type.GAUGE);
                    assertThat(appInfo.map(consumerAppInfo).getTags())
                            .extracting(Tag::getKey)
                            .containsExactly("client.id", "kafka.version");
                    Meter.Id lag = consumerAppInfo.withName("kafka.consumer.fetch.manager.records.lag.max");
                    assertThat(appInfo.map(lag).getTag("group.id")).isEqualTo("g");
                });
    }

    @Test
    void itsConsumersJoinTheirGroupsAsEveryServiceWithListenersDoes() {
        try (ConfigurableApplicationContext bare = BareService.start()) {
            Environment settings = bare.getEnvironment();
            assertThat(settings.getProperty("spring.kafka.listener.concurrency"))
                    .isEqualTo("3");
            assertThat(settings.getProperty("spring.kafka.consumer.auto-offset-reset"))
                    .isEqualTo("earliest");
            assertThat(settings.getProperty("spring.kafka.consumer.properties.session.timeout.ms"))
                    .isEqualTo("10000");
        }
    }
}
