package uz.lms.registration.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.StickyAssignor;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import uz.lms.registration.sandbox.FakeTelegram;
import uz.lms.registration.sandbox.FakeTelegramServer;
import uz.lms.registration.sandbox.PrivateChat;
import uz.lms.registration.sandbox.TelegramUser;
import uz.lms.registration.testsupport.EmbeddedInfrastructure;

/** Several instances on one bot token: Kafka elects the one that polls, and replaces it when it goes. */
class PollerElectionTests {

    private static final String TOKEN = "1:election";
    private static final String GROUP = "telegram-poller";

    private final FakeTelegram telegram = new FakeTelegram();
    private final FakeTelegramServer server = FakeTelegramServer.start(telegram, TOKEN, 0);
    private final Admin admin =
            Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedInfrastructure.bootstrapServers()));

    @AfterEach
    void stop() {
        admin.close();
        server.close();
    }

    @Test
    void oneOfTwoInstancesPollsAndTheOtherTakesOverWhenItStops() throws Exception {
        ConfigurableApplicationContext first = startBot(true);
        await().until(() -> polling(first));
        try (ConfigurableApplicationContext second = startBot(true)) {
            await().until(() -> members(GROUP) == 2);
            // the first keeps polling; a long poll it gave up in the rebalance may linger for its 1 s
            await().until(() -> polling(first) && !polling(second) && telegram.getUpdatesInFlight() == 1);
            await().during(Duration.ofSeconds(3))
                    .until(() -> polling(first) && !polling(second) && telegram.getUpdatesInFlight() <= 1);
            PrivateChat chat = telegram.privateChat(new TelegramUser(730_000_001, "Failover", "en"));
            chat.start();
            await().until(() -> chat.messages().size() == 1);

            first.close();
            // It left the group as it closed: the broker need not wait out its 6 s session to hand the lock on.
            assertThat(group(GROUP).members()).hasSize(1);
            await().until(() -> polling(second));

            chat.sendText("hello");
            await().until(() -> chat.messages().size() == 2);
            assertThat(chat.lastMessage().text()).startsWith("Press /start");
            await().during(Duration.ofSeconds(2)).until(() -> chat.messages().size() == 2);
        } finally {
            first.close();
        }
    }

    @Test
    void aPollerThatCrashedIsReplacedOnceItsSessionTimesOut() throws Exception {
        createPollerTopic();
        // holds the lock, then dies without leaving the group, as a killed instance would
        KafkaConsumer<String, String> crashing = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        EmbeddedInfrastructure.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        GROUP,
                        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                        StickyAssignor.class.getName(),
                        ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                        "6000",
                        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
                        "1200"),
                new StringDeserializer(),
                new StringDeserializer());
        crashing.subscribe(List.of(TelegramTopics.POLLER));
        await().until(() -> crashing.poll(Duration.ofMillis(100)).isEmpty()
                && !crashing.assignment().isEmpty());
        crashing.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));
        long crashed = System.nanoTime();

        try (ConfigurableApplicationContext survivor = startBot(true)) {
            // Patience for a loaded machine: the bot's start is in this wait too.
            await().atMost(Duration.ofSeconds(60)).until(() -> polling(survivor));
            // Not before the crashed member's 6 s session, counted from its last heartbeat (at most 1.2 s before
            // the crash), ran out, less the broker's timer's slack: no survivor takes the lock of a member that may
            // still be polling.
            assertThat(Duration.ofNanos(System.nanoTime() - crashed)).isGreaterThanOrEqualTo(Duration.ofMillis(4500));
            PrivateChat chat = telegram.privateChat(new TelegramUser(730_000_003, "Survivor", "en"));
            chat.start();
            await().until(() -> chat.messages().size() == 1);
        }
    }

    @Test
    void aDeliveryOnlyInstanceNeverPollsEvenWhenAlone() {
        try (ConfigurableApplicationContext deliveryOnly = startBot(false)) {
            PrivateChat chat = telegram.privateChat(new TelegramUser(730_000_002, "Waiting", "en"));
            chat.start();
            await().during(Duration.ofSeconds(2))
                    .until(() -> !polling(deliveryOnly)
                            && telegram.getUpdatesInFlight() == 0
                            && telegram.pendingUpdateCount() == 1);

            try (ConfigurableApplicationContext poller = startBot(true)) {
                await().until(() -> chat.messages().size() == 1);
                assertThat(polling(poller)).isTrue();
                assertThat(polling(deliveryOnly)).isFalse();
                // closing amid the listeners' rebalance would leave their groups waiting on a member that is gone
                await().until(() -> members("telegram-conversation") == 6 && members("telegram-code-delivery") == 6);
            }
        }
    }

    private ConfigurableApplicationContext startBot(boolean pollingEnabled) {
        // the broker's minimum session timeout
        return RunningBot.start(
                server,
                TOKEN,
                "--telegram.polling.timeout=1s",
                "--telegram.polling.enabled=" + pollingEnabled,
                "--telegram.polling.session-timeout=6s");
    }

    /** What the instance reports to operators: 1 while it is the poller. */
    private static boolean polling(ConfigurableApplicationContext instance) {
        return instance.getBean(MeterRegistry.class)
                        .get("telegram.polling")
                        .gauge()
                        .value()
                == 1;
    }

    private void createPollerTopic() throws InterruptedException {
        try {
            admin.createTopics(List.of(new NewTopic(TelegramTopics.POLLER, 1, (short) 1)))
                    .all()
                    .get();
        } catch (ExecutionException e) {
            assertThat(e).hasCauseInstanceOf(TopicExistsException.class);
        }
    }

    /** The members of a consumer group once it is stable, -1 while it rebalances. */
    private int members(String groupId) throws Exception {
        ConsumerGroupDescription group = group(groupId);
        return group.groupState() == GroupState.STABLE ? group.members().size() : -1;
    }

    private ConsumerGroupDescription group(String groupId) throws Exception {
        return admin.describeConsumerGroups(List.of(groupId))
                .describedGroups()
                .get(groupId)
                .get();
    }
}
