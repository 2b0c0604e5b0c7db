package uz.lms.registration.verification.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;
import uz.lms.registration.contracts.AlreadyVerified;
import uz.lms.registration.contracts.Channel;
import uz.lms.registration.contracts.RegisterUser;
import uz.lms.registration.contracts.RegisterUser.Source;
import uz.lms.registration.contracts.RegistrationOutcome;
import uz.lms.registration.contracts.RegistrationOutcome.CodeSent;
import uz.lms.registration.contracts.UserEvent;
import uz.lms.registration.contracts.VerificationOutcome;
import uz.lms.registration.contracts.VerificationOutcome.Verified;
import uz.lms.registration.contracts.VerifyCode;
import uz.lms.registration.verification.VerificationServiceTest;

/**
 * Kafka hands one user's commands to one consumer in order, so races come from redeliveries and
 * rebalances. These tests race the logic head-on: many transactions at once on one user.
 */
class RaceTests extends VerificationServiceTest {

    private static final int RACERS = 12;

    @Autowired
    Registrations registrations;

    @Autowired
    Verifications verifications;

    @Autowired
    TransactionTemplate transactions;

    @Test
    void concurrentRegistrationsOfOneTelegramIdMakeOneUserAndOneCode() throws Exception {
        long telegramId = newTelegramId();
        String phone = newPhoneNumber();

        List<RegistrationOutcome> outcomes = race(() -> transactions.execute(status -> registrations.register(
                new RegisterUser(UUID.randomUUID(), Instant.now(), telegramId, phone, "uz", Source.TELEGRAM_CONTACT))));

        assertThat(outcomes).filteredOn(CodeSent.class::isInstance).hasSize(1);
        assertThat(outcomes)
                .filteredOn(RegistrationOutcome.TooManyRequests.class::isInstance)
                .hasSize(RACERS - 1);
        assertThat(jdbc.sql("SELECT count(*) FROM users WHERE telegram_id = ?")
                        .param(telegramId)
                        .query(Long.class)
                        .single())
                .isOne();
        await().during(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(deliveredCodes(telegramId)).hasSize(1);
            assertThat(userEvents(telegramId))
                    .filteredOn(UserEvent.UserRegistered.class::isInstance)
                    .hasSize(1);
        });
    }

    @Test
    void concurrentChecksOfTheRightCodeVerifyOnce() throws Exception {
        long telegramId = newTelegramId();
        client.register(telegramId, newPhoneNumber());
        String code = deliveredCode(telegramId).code();

        List<VerificationOutcome> outcomes = race(() -> transactions.execute(status -> verifications.verify(
                new VerifyCode(UUID.randomUUID(), Instant.now(), telegramId, code, Channel.CHAT))));

        assertThat(outcomes).filteredOn(Verified.class::isInstance).hasSize(1);
        assertThat(outcomes).filteredOn(AlreadyVerified.class::isInstance).hasSize(RACERS - 1);
        await().during(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(userEvents(telegramId))
                        .filteredOn(UserEvent.UserVerified.class::isInstance)
                        .hasSize(1));
    }

    @Test
    void concurrentWrongGuessesNeverBuyMoreThanTheAllowedAttempts() throws Exception {
        long telegramId = newTelegramId();
        client.register(telegramId, newPhoneNumber());
        String code = deliveredCode(telegramId).code();
        String wrong = code.equals("000000") ? "111111" : "000000";

        race(() -> transactions.execute(status -> verifications.verify(
                new VerifyCode(UUID.randomUUID(), Instant.now(), telegramId, wrong, Channel.API))));

        assertThat(client.verify(telegramId, code, Channel.API))
                .isInstanceOf(VerificationOutcome.AttemptsExhausted.class);
    }

    private static <T> List<T> race(Callable<T> task) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        try (var pool = Executors.newFixedThreadPool(RACERS)) {
            List<Future<T>> futures = IntStream.range(0, RACERS)
                    .mapToObj(i -> pool.submit(() -> {
                        start.await();
                        return task.call();
                    }))
                    .toList();
            start.countDown();
            return futures.stream().map(RaceTests::join).toList();
        }
    }

    private static <T> T join(Future<T> future) {
        try {
            return future.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
