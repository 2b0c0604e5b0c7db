package uz.lms.registration.verification.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.observation.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import uz.lms.registration.contracts.AlreadyVerified;
import uz.lms.registration.contracts.RegisterUser;
import uz.lms.registration.contracts.RegistrationOutcome;
import uz.lms.registration.contracts.RegistrationOutcome.CodeSent;
import uz.lms.registration.contracts.UserEvent;
import uz.lms.registration.contracts.VerificationOutcome;
import uz.lms.registration.contracts.VerificationOutcome.AttemptsExhausted;
import uz.lms.registration.contracts.VerificationOutcome.InvalidOrExpiredCode;
import uz.lms.registration.contracts.VerificationOutcome.Verified;
import uz.lms.registration.contracts.VerifyCode;
import uz.lms.registration.verification.VerificationProperties;
import uz.lms.registration.verification.VerificationServiceTest;
import uz.lms.registration.verification.codes.Codes;
import uz.lms.registration.verification.outbox.Outbox;

/**
 * Kafka hands one user's commands to one consumer in order, so races come from redeliveries and
 * rebalances. These tests race the logic head-on: many transactions at once on one user, each a batch as a
 * listener's poll makes one.
 */
class RaceTests extends VerificationServiceTest {

    private static final int RACERS = 12;

    @Autowired
    Registrations registrations;

    @Autowired
    Verifications verifications;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    VerificationProperties properties;

    @Autowired
    PlatformTransactionManager transactionManager;

    @Autowired
    UnknownTelegramIds unknownIds;

    @Autowired
    Codes codes;

    @Autowired
    Outbox outbox;

    @Test
    void concurrentRegistrationsOfOneTelegramIdMakeOneUserAndOneCode() throws Exception {
        long telegramId = newTelegramId();
        String phone = newPhoneNumber();

        List<RegistrationOutcome> outcomes = race(() -> transactions
                .execute(status -> registrations.register(
                        List.of(new RegisterUser(UUID.randomUUID(), Instant.now(), telegramId, phone, "uz", false)),
                        command -> Source.TELEGRAM_CONTACT,
                        command -> Observation.NOOP))
                .getFirst());

        assertThat(outcomes).filteredOn(CodeSent.class::isInstance).hasSize(1);
        assertThat(outcomes)
                .filteredOn(RegistrationOutcome.TooManyRequests.class::isInstance)
                .hasSize(RACERS - 1);
        assertThat(usersWith(telegramId)).isOne();
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

        List<VerificationOutcome> outcomes = race(() -> transactions
                .execute(status -> verifications.verify(
                        List.of(new VerifyCode(UUID.randomUUID(), Instant.now(), telegramId, code)),
                        Channel.CHAT,
                        command -> Observation.NOOP))
                .getFirst()
                .outcome());

        assertThat(outcomes).filteredOn(Verified.class::isInstance).hasSize(1);
        assertThat(outcomes).filteredOn(AlreadyVerified.class::isInstance).hasSize(RACERS - 1);
        await().during(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(userEvents(telegramId))
                        .filteredOn(UserEvent.UserVerified.class::isInstance)
                        .hasSize(1));
    }

    @Test
    void concurrentWrongGuessesAreEachCountedUntilTheCodeIsBurned() throws Exception {
        long telegramId = newTelegramId();
        client.register(telegramId, newPhoneNumber());
        String code = deliveredCode(telegramId).code();
        String wrong = wrongCode(code);

        List<VerificationOutcome> outcomes = race(() -> check(telegramId, wrong));

        assertThat(outcomes)
                .hasSize(RACERS)
                .allSatisfy(outcome ->
                        assertThat(outcome).isInstanceOfAny(InvalidOrExpiredCode.class, AttemptsExhausted.class));
        long counted =
                outcomes.stream().filter(InvalidOrExpiredCode.class::isInstance).count();
        // A check answered "invalid" is one counted: no check reads the count and writes back a stale one.
        assertThat(counters(telegramId)).isEqualTo(new Counters(counted, counted, false));
        // A check is refused as exhausted only once the allowed ones have been counted.
        assertThat(counted).isGreaterThanOrEqualTo(properties.maxAttempts());
        assertThat(client.verify(telegramId, code, Channel.API)).isInstanceOf(AttemptsExhausted.class);
    }

    @Test
    void theRightCodeAmongConcurrentWrongGuessesVerifiesOnlyWhileAttemptsAreLeft() throws Exception {
        // Which comes first varies from round to round; what must hold does not.
        for (int round = 0; round < 3; round++) {
            long telegramId = newTelegramId();
            client.register(telegramId, newPhoneNumber());
            String code = deliveredCode(telegramId).code();
            Callable<VerificationOutcome> guess = () -> check(telegramId, wrongCode(code));
            List<Callable<VerificationOutcome>> checks = new ArrayList<>(Collections.nCopies(RACERS - 1, guess));
            checks.add(RACERS / 2, () -> check(telegramId, code));

            List<VerificationOutcome> outcomes = race(checks);

            VerificationOutcome right = outcomes.get(RACERS / 2);
            List<VerificationOutcome> wrongs = new ArrayList<>(outcomes);
            wrongs.remove(RACERS / 2);
            long counted = wrongs.stream()
                    .filter(InvalidOrExpiredCode.class::isInstance)
                    .count();
            Counters counters = counters(telegramId);
            assertThat(outcomes).hasSize(RACERS);
            if (right instanceof Verified) {
                // Fewer than the allowed wrong checks were counted by then, and none after: the user is verified.
                assertThat(counters.verified()).isTrue();
                assertThat(counters.failedAttempts())
                        .isLessThan(properties.maxAttempts())
                        .isLessThanOrEqualTo(counted);
                assertThat(wrongs)
                        .allSatisfy(outcome ->
                                assertThat(outcome).isInstanceOfAny(InvalidOrExpiredCode.class, AlreadyVerified.class));
            } else {
                // The allowed wrong checks were counted first: the right code came too late, and changed nothing.
                assertThat(right).isInstanceOf(AttemptsExhausted.class);
                assertThat(counters).isEqualTo(new Counters(counted, counted, false));
                assertThat(counted).isGreaterThanOrEqualTo(properties.maxAttempts());
                assertThat(wrongs)
                        .allSatisfy(outcome -> assertThat(outcome)
                                .isInstanceOfAny(InvalidOrExpiredCode.class, AttemptsExhausted.class));
            }
            await().during(Duration.ofSeconds(1))
                    .untilAsserted(() -> assertThat(userEvents(telegramId))
                            .filteredOn(UserEvent.UserVerified.class::isInstance)
                            .hasSize(right instanceof Verified ? 1 : 0));
        }
    }

    /**
     * Two instances, each with a poll of ten wrong codes over HTTP and the right one among the first few, race on one
     * user: their batches wait for each other, so the caps hold exactly and the right code succeeds once.
     */
    @Test
    void twoBatchesWithTheRightCodeAmongTwentyWrongOnesVerifyOnceAndCountNoMoreThanTheCap() throws Exception {
        for (int round = 0; round < 3; round++) {
            long telegramId = newTelegramId();
            client.register(telegramId, newPhoneNumber());
            String code = deliveredCode(telegramId).code();
            Callable<List<VerificationOutcome>> instance = () -> {
                List<VerifyCode> poll = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    poll.add(apiCheck(telegramId, wrongCode(code)));
                }
                // Before the cap: whichever instance goes first has attempts left when it comes to it.
                poll.add(ThreadLocalRandom.current().nextInt(properties.maxAttempts()), apiCheck(telegramId, code));
                return transactions.execute(
                        status -> outcomes(verifications.verify(poll, Channel.API, command -> Observation.NOOP)));
            };

            List<VerificationOutcome> outcomes = race(List.of(instance, instance)).stream()
                    .flatMap(List::stream)
                    .toList();

            assertThat(outcomes)
                    .hasSize(22)
                    .filteredOn(Verified.class::isInstance)
                    .hasSize(1);
            long counted = outcomes.stream()
                    .filter(InvalidOrExpiredCode.class::isInstance)
                    .count();
            assertThat(counted).isLessThan(properties.maxAttempts());
            assertThat(counters(telegramId)).isEqualTo(new Counters(counted, counted, true));
            assertThat(outcomes)
                    .allSatisfy(outcome -> assertThat(outcome)
                            .isInstanceOfAny(Verified.class, InvalidOrExpiredCode.class, AlreadyVerified.class));
        }
    }

    /**
     * Two instances whose transactions interleave as no lock orders them: each reads the user before either writes,
     * one with the right code among ten wrong ones, the other with ten wrong ones. What each read is stale by the time
     * it writes, so only the statements that verify and count can hold the caps.
     */
    @Test
    void twoInstancesWhoseChecksInterleaveWithoutTheLockStillHoldTheCapsAndAnswerAsTheyCounted() throws Exception {
        for (int round = 0; round < 3; round++) {
            long telegramId = newTelegramId();
            client.register(telegramId, newPhoneNumber());
            String code = deliveredCode(telegramId).code();
            Verifications unlocked = unlockedInstances();
            List<VerifyCode> withTheRightCode = new ArrayList<>();
            List<VerifyCode> wrongOnly = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                withTheRightCode.add(apiCheck(telegramId, wrongCode(code)));
                wrongOnly.add(apiCheck(telegramId, wrongCode(code)));
            }
            withTheRightCode.add(ThreadLocalRandom.current().nextInt(11), apiCheck(telegramId, code));

            Callable<List<VerificationOutcome>> one = () -> transactions.execute(
                    status -> outcomes(unlocked.verify(withTheRightCode, Channel.API, command -> Observation.NOOP)));
            Callable<List<VerificationOutcome>> other = () -> transactions.execute(
                    status -> outcomes(unlocked.verify(wrongOnly, Channel.API, command -> Observation.NOOP)));

            List<VerificationOutcome> outcomes =
                    race(List.of(one, other)).stream().flatMap(List::stream).toList();

            Counters counters = counters(telegramId);
            long verified = outcomes.stream().filter(Verified.class::isInstance).count();
            long counted = outcomes.stream()
                    .filter(InvalidOrExpiredCode.class::isInstance)
                    .count();
            assertThat(outcomes).hasSize(21);
            assertThat(verified).isLessThanOrEqualTo(1).isEqualTo(counters.verified() ? 1 : 0);
            assertThat(counters.failedAttempts()).isLessThanOrEqualTo(properties.maxAttempts());
            // Every check answered "invalid" was counted, and no other.
            assertThat(counters).isEqualTo(new Counters(counted, counted, counters.verified()));
            if (outcomes.stream().anyMatch(AttemptsExhausted.class::isInstance) && !counters.verified()) {
                assertThat(counted).isEqualTo(properties.maxAttempts());
            }
        }
    }

    /**
     * Two service instances as far as the checks go: their own {@link Verifications}, on the service's statements,
     * but reading their users without locking them, and each only once the other has read too.
     */
    private Verifications unlockedInstances() {
        CyclicBarrier bothRead = new CyclicBarrier(2);
        TransactionTemplate apart = new TransactionTemplate(transactionManager);
        apart.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        Users readingWithoutLocks = new Users(jdbc, properties) {
            @Override
            Map<Long, UserState> lock(Collection<Long> telegramIds) {
                Map<Long, UserState> read = apart.execute(status -> super.lock(telegramIds));
                try {
                    bothRead.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return read;
            }
        };
        return new Verifications(readingWithoutLocks, unknownIds, codes, outbox, properties, clock);
    }

    private VerificationOutcome check(long telegramId, String code) {
        return transactions
                .execute(status -> verifications.verify(
                        List.of(apiCheck(telegramId, code)), Channel.API, command -> Observation.NOOP))
                .getFirst()
                .outcome();
    }

    private static List<VerificationOutcome> outcomes(List<Check> checks) {
        return checks.stream().map(Check::outcome).toList();
    }

    private static VerifyCode apiCheck(long telegramId, String code) {
        return new VerifyCode(UUID.randomUUID(), Instant.now(), telegramId, code);
    }

    private static String wrongCode(String code) {
        return code.equals("000000") ? "111111" : "000000";
    }

    /** The user's row as the checks left it: wrong HTTP checks of the code, and of the account in a row. */
    private Counters counters(long telegramId) {
        return jdbc.sql("SELECT api_failed_attempts, api_failures_in_row, is_verified FROM users WHERE telegram_id = ?")
                .param(telegramId)
                .query((row, number) -> new Counters(
                        row.getLong("api_failed_attempts"),
                        row.getLong("api_failures_in_row"),
                        row.getBoolean("is_verified")))
                .single();
    }

    private record Counters(long failedAttempts, long failuresInRow, boolean verified) {}

    private static <T> List<T> race(Callable<T> task) throws Exception {
        return race(Collections.nCopies(RACERS, task));
    }

    /** Runs the tasks at once, each on a thread of its own, and returns every one's result in their order. */
    private static <T> List<T> race(List<Callable<T>> tasks) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        try (var pool = Executors.newFixedThreadPool(tasks.size())) {
            List<Future<T>> futures = tasks.stream()
                    .map(task -> pool.submit(() -> {
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
