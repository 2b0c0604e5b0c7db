package uz.lms.registration.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import uz.lms.registration.contracts.DeliverCode;
import uz.lms.registration.contracts.RegistrationOutcome.CodeSent;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.contracts.VerificationOutcome.Verified;
import uz.lms.registration.testsupport.EmbeddedInfrastructure;

/**
 * Throughput and latency of the whole code flow through Kafka and PostgreSQL: register, receive the
 * code on {@code verification.codes}, verify. Not part of the build's tests; run it with
 * {@code ./mvnw -pl verification-service verify -Dtest=VerificationBenchmark -Dgroups=benchmark -DexcludedGroups=none
 * -Dsurefire.failIfNoSpecifiedTests=false -Dbenchmark.users=2000 -Dbenchmark.concurrency=64}
 * and read the figures in {@code target/surefire-reports/*VerificationBenchmark-output.txt}.
 */
@Tag("benchmark")
class VerificationBenchmark extends VerificationServiceTest {

    private final int users = Integer.getInteger("benchmark.users", 2000);
    private final int concurrency = Integer.getInteger("benchmark.concurrency", 64);
    private final Map<Long, String> delivered = new ConcurrentHashMap<>();
    private final AtomicBoolean reading = new AtomicBoolean(true);

    @Test
    void registerReceiveAndVerify() throws Exception {
        Thread reader = Thread.ofPlatform().name("codes-reader").start(this::readCodes);
        warmUp();
        List<Long> register = Collections.synchronizedList(new ArrayList<>());
        List<Long> delivery = Collections.synchronizedList(new ArrayList<>());
        List<Long> verify = Collections.synchronizedList(new ArrayList<>());

        long start = System.nanoTime();
        try (var pool = Executors.newFixedThreadPool(concurrency)) {
            List<Future<?>> flows = new ArrayList<>();
            for (int i = 0; i < users; i++) {
                flows.add(pool.submit(() -> flow(register, delivery, verify)));
            }
            for (Future<?> flow : flows) {
                flow.get();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        reading.set(false);
        reader.join();

        System.out.printf(
                "%n%d users, %d at a time, in %.1f s: %.0f verified users/s (%.0f commands/s)%n",
                users, concurrency, seconds, users / seconds, 2 * users / seconds);
        print("register reply", register);
        print("code on verification.codes", delivery);
        print("verify reply", verify);
    }

    private void flow(List<Long> register, List<Long> delivery, List<Long> verify) {
        long telegramId = newTelegramId();
        long t0 = System.nanoTime();
        assertThat(client.register(telegramId, newPhoneNumber())).isEqualTo(new CodeSent(60));
        long t1 = System.nanoTime();
        String code = await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(1))
                .until(() -> delivered.remove(telegramId), c -> c != null);
        long t2 = System.nanoTime();
        assertThat(client.verify(telegramId, code)).isEqualTo(new Verified());
        long t3 = System.nanoTime();
        register.add(t1 - t0);
        delivery.add(t2 - t0);
        verify.add(t3 - t2);
    }

    private void warmUp() {
        for (int i = 0; i < 20; i++) {
            flow(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }
    }

    private void readCodes() {
        try (var consumer = new KafkaConsumer<>(
                Map.<String, Object>of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedInfrastructure.bootstrapServers()),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.VERIFICATION_CODES).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            while (reading.get()) {
                consumer.poll(Duration.ofMillis(50)).forEach(record -> {
                    DeliverCode code = json.readValue(record.value(), DeliverCode.class);
                    delivered.put(code.telegramId(), code.code());
                });
            }
        }
    }

    private static void print(String what, List<Long> nanos) {
        List<Long> sorted = nanos.stream().sorted().toList();
        System.out.printf(
                "%-28s p50 %6.1f ms   p95 %6.1f ms   p99 %6.1f ms   max %6.1f ms%n",
                what, at(sorted, 0.50), at(sorted, 0.95), at(sorted, 0.99), sorted.getLast() / 1e6);
    }

    private static double at(List<Long> sorted, double quantile) {
        return sorted.get((int) Math.min(sorted.size() - 1, Math.round(quantile * (sorted.size() - 1)))) / 1e6;
    }
}
