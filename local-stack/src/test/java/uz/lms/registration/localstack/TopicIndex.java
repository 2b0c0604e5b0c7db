package uz.lms.registration.localstack;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import tools.jackson.databind.json.JsonMapper;
import uz.lms.registration.contracts.DeliverCode;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.contracts.UserEvent;
import uz.lms.registration.testsupport.TopicRecorder;

/**
 * What the fault suite's topics carry, indexed as it arrives: the code each user is sent (the load driver
 * verifies with it), the {@code UserVerified} events and when telegram-service reported a delivery.
 */
final class TopicIndex implements AutoCloseable {

    private final JsonMapper json = JsonMapper.builder().build();
    private final Map<Long, String> codes = new ConcurrentHashMap<>();
    private final Map<Long, List<UUID>> verifiedEvents = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Instant> deliveries = new ConcurrentLinkedQueue<>();
    private final TopicRecorder codeRecorder;
    private final TopicRecorder eventRecorder;
    private final TopicRecorder deliveryRecorder;
    private final Thread indexer;
    private volatile boolean indexing = true;

    TopicIndex(String bootstrapServers) {
        codeRecorder = TopicRecorder.start(bootstrapServers, Topics.VERIFICATION_CODES);
        eventRecorder = TopicRecorder.start(bootstrapServers, Topics.USER_EVENTS);
        deliveryRecorder = TopicRecorder.start(bootstrapServers, Topics.CODE_DELIVERIES);
        indexer = Thread.ofPlatform().name("fault-suite-indexer").start(this::index);
    }

    Optional<String> code(long telegramId) {
        return Optional.ofNullable(codes.get(telegramId));
    }

    boolean hasCode(long telegramId) {
        return codes.containsKey(telegramId);
    }

    /** The {@code event_id}s of the {@code UserVerified} events of a user: more than one is a double verification. */
    List<UUID> verifiedEvents(long telegramId) {
        return verifiedEvents.getOrDefault(telegramId, List.of());
    }

    Optional<Instant> firstDeliveryAfter(Instant after) {
        return deliveries.stream().filter(at -> at.isAfter(after)).min(Instant::compareTo);
    }

    @Override
    public void close() throws InterruptedException {
        indexing = false;
        indexer.join();
        codeRecorder.close();
        eventRecorder.close();
        deliveryRecorder.close();
    }

    private void index() {
        int codesSeen = 0;
        int eventsSeen = 0;
        int deliveriesSeen = 0;
        while (indexing) {
            List<ConsumerRecord<String, byte[]>> newCodes = codeRecorder.records();
            for (ConsumerRecord<String, byte[]> record : newCodes.subList(codesSeen, newCodes.size())) {
                DeliverCode code = json.readValue(record.value(), DeliverCode.class);
                codes.put(code.telegramId(), code.code());
            }
            codesSeen = newCodes.size();
            List<ConsumerRecord<String, byte[]>> newEvents = eventRecorder.records();
            for (ConsumerRecord<String, byte[]> record : newEvents.subList(eventsSeen, newEvents.size())) {
                if (json.readValue(record.value(), UserEvent.class) instanceof UserEvent.UserVerified verified) {
                    verifiedEvents
                            .computeIfAbsent(verified.telegramId(), id -> new CopyOnWriteArrayList<>())
                            .add(verified.eventId());
                }
            }
            eventsSeen = newEvents.size();
            List<ConsumerRecord<String, byte[]>> newDeliveries = deliveryRecorder.records();
            newDeliveries
                    .subList(deliveriesSeen, newDeliveries.size())
                    .forEach(record -> deliveries.add(Instant.ofEpochMilli(record.timestamp())));
            deliveriesSeen = newDeliveries.size();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
