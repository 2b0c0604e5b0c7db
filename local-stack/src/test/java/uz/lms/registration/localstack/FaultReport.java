package uz.lms.registration.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import uz.lms.registration.localstack.LoadDriver.Phase;
import uz.lms.registration.localstack.LoadDriver.Request;

/**
 * What each fault did, counted once the load has stopped and the outbox has drained: one row of the fault-suite
 * table in docs/reliability.md per fault, and notes, written to {@code report.md}.
 */
final class FaultReport {

    private final FaultSuiteSystem system;
    private final TopicIndex topics;
    private final LoadDriver load;
    private final List<String> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    FaultReport(FaultSuiteSystem system, TopicIndex topics, LoadDriver load) {
        this.system = system;
        this.topics = topics;
        this.load = load;
    }

    /**
     * @param lostRegistrations registrations answered 200 whose user the database does not have
     * @param lostVerifications verifications answered 200 whose user the database does not have verified
     * @param appliedLate       answered 503, applied after the 503 was: a 503 that changed something, which the
     *                          deadline must prevent
     * @param appliedAtFault    answered 503, committed before the fault, whose reply the fault held back (see
     *                          docs/reliability.md)
     * @param appliedInTime     answered 503, applied after the fault but before the 503: read just before its
     *                          deadline, its reply slower than the rest of the reply timeout (see docs/reliability.md)
     * @param lostApplied       no answer at all (the gateway died with the connection), applied: not a 503
     * @param back              when the faulted part was back (ready, or every partition taken over)
     */
    record Figures(
            String fault,
            int registered,
            long withoutCode,
            long lostRegistrations,
            int verified,
            long lostVerifications,
            long doubleVerifications,
            long redeliveries,
            long appliedLate,
            long appliedAtFault,
            long appliedInTime,
            long lostApplied,
            long deadLettered,
            long outboxLeft,
            Duration toFirstSuccess,
            Instant back,
            Duration backToFirstSuccess) {

        String row() {
            List<String> apart = new ArrayList<>();
            if (appliedAtFault > 0) {
                apart.add(appliedAtFault + " committed just before the fault");
            }
            if (appliedInTime > 0) {
                apart.add(appliedInTime + " read just before the deadline, applied before the 503: reply too slow");
            }
            if (lostApplied > 0) {
                apart.add(lostApplied + " applied whose connection the kill cut: no answer, not a 503");
            }
            return "| %s | %d of %d | %d of %d, %d of %d | %d%s | %d%s | %d | %d | %s, %s after it was back |"
                    .formatted(
                            fault,
                            withoutCode,
                            registered,
                            lostRegistrations,
                            registered,
                            lostVerifications,
                            verified,
                            doubleVerifications,
                            redeliveries == 0 ? "" : " (" + redeliveries + " redelivered, one event_id)",
                            appliedLate,
                            apart.isEmpty() ? "" : " (" + String.join("; ", apart) + ")",
                            deadLettered,
                            outboxLeft,
                            seconds(toFirstSuccess),
                            seconds(backToFirstSuccess));
        }
    }

    /** Stops the load, waits for the outbox to drain and the codes of the successes to arrive, then counts. */
    Figures count(Phase phase, String fault, Instant faultAt, Instant back) throws Exception {
        load.stop();
        awaitOutboxEmpty(Instant.now());
        List<Long> registered = phase.answered("register", 200);
        List<Long> verified = phase.answered("verify", 200);
        try {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> registered.stream().allMatch(topics::hasCode));
        } catch (RuntimeException someMissing) {
            // counted below
        }
        long redeliveries = 0;
        long doubles = 0;
        for (long user : phase.users) {
            List<UUID> events = topics.verifiedEvents(user);
            long distinct = events.stream().distinct().count();
            doubles += distinct > 1 ? 1 : 0;
            redeliveries += events.size() - distinct;
        }
        Map<Long, Instant> created = system.appliedAt("register", registered);
        Map<Long, Instant> verifiedInDatabase = system.appliedAt("verify", verified);
        List<Applied> unavailable = applied(phase, 503);
        Instant firstSuccess = LoadDriver.firstSuccess(phase, faultAt).orElseThrow();
        Instant firstSuccessAfterBack = LoadDriver.firstSuccess(phase, back).orElseThrow();
        Figures figures = new Figures(
                fault,
                registered.size(),
                registered.stream().filter(id -> !topics.hasCode(id)).count(),
                registered.stream().filter(id -> !created.containsKey(id)).count(),
                verified.size(),
                verified.stream()
                        .filter(id -> !verifiedInDatabase.containsKey(id))
                        .count(),
                doubles,
                redeliveries,
                unavailable.stream()
                        .filter(applied ->
                                !applied.at().isBefore(applied.request().answered()))
                        .count(),
                unavailable.stream()
                        .filter(applied -> applied.at().isBefore(faultAt))
                        .count(),
                unavailable.stream()
                        .filter(applied -> !applied.at().isBefore(faultAt)
                                && applied.at().isBefore(applied.request().answered()))
                        .count(),
                applied(phase, 0).size(),
                system.deadLetters() - phase.deadLettersBefore,
                system.outboxRows(),
                Duration.between(faultAt, firstSuccess),
                back,
                Duration.between(back, firstSuccessAfterBack).isNegative()
                        ? Duration.ZERO
                        : Duration.between(back, firstSuccessAfterBack));
        rows.add(figures.row());
        System.out.println(figures.row());
        return figures;
    }

    static void assertHeld(Figures figures) {
        assertThat(figures.registered()).as("registrations answered 200").isPositive();
        assertThat(figures.withoutCode())
                .as("registrations answered 200 without a code event")
                .isZero();
        assertThat(figures.lostRegistrations())
                .as("registrations answered 200 whose user the database does not have")
                .isZero();
        assertThat(figures.lostVerifications())
                .as("verifications answered 200 whose user the database does not have verified")
                .isZero();
        assertThat(figures.doubleVerifications()).as("double verifications").isZero();
        assertThat(figures.appliedLate())
                .as("503s applied after they were answered")
                .isZero();
        assertThat(figures.deadLettered()).as("dead-lettered records").isZero();
        assertThat(figures.outboxLeft()).as("outbox rows left").isZero();
    }

    void note(String note) {
        notes.add(note);
    }

    /** Until the outbox is empty, for 90 s at most: what is left is reported. */
    Duration awaitOutboxEmpty(Instant from) {
        try {
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .until(() -> system.outboxRows() == 0);
        } catch (RuntimeException notEmpty) {
            // reported as the rows left
        }
        return Duration.between(from, Instant.now());
    }

    void write(Path file) throws IOException {
        String report = """

                Fault suite: %d clients; processes: %s
                | fault | registrations answered without a code event | acknowledged but not in the database: registrations, verifications | double verifications | 503s applied anyway | dead-lettered | outbox rows left | from the fault to the first success again |
                |---|---|---|---|---|---|---|---|
                %s
                %s
                """.formatted(
                        LoadDriver.CLIENTS,
                        Runtime.getRuntime().availableProcessors() + " cores, load average "
                                + Files.readString(Path.of("/proc/loadavg")).trim(),
                        String.join("\n", rows),
                        notes.stream().map(note -> "- " + note).collect(Collectors.joining("\n")));
        System.out.println(report);
        Files.writeString(file, report);
    }

    static String seconds(Duration duration) {
        return String.format("%.1f s", duration.toMillis() / 1000.0);
    }

    /** A request that changed a user, and when. */
    private record Applied(Request request, Instant at) {}

    /** Requests answered {@code status} that changed a user anyway. */
    private List<Applied> applied(Phase phase, int status) throws Exception {
        List<Applied> applied = new ArrayList<>();
        for (String kind : List.of("register", "verify")) {
            List<Request> requests = phase.requests.stream()
                    .filter(request -> request.kind().equals(kind) && request.status() == status)
                    .toList();
            Map<Long, Instant> at = system.appliedAt(
                    kind, requests.stream().map(Request::telegramId).toList());
            requests.stream()
                    .filter(request -> at.containsKey(request.telegramId()))
                    .forEach(request -> applied.add(new Applied(request, at.get(request.telegramId()))));
        }
        return applied;
    }
}
