package uz.lms.registration.benchmark;

import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * What the load generator saw in each phase of a simulation, for each endpoint and for both together, sorted
 * the way issue 18's targets count answers: <em>answered</em> (one of the endpoint's answers, within the
 * gateway's reply timeout), <em>shed</em> (503 or 429: the excess turned away) and <em>failed</em> (anything
 * else: another status, an answer later than the reply timeout, no answer at all). Gatling's own statistics
 * count a request OK or KO; these are the three counts and their latencies that {@code scripts/benchmark.sh}
 * holds against the targets, printed by {@link #print()} as one {@code load-result} line per phase and endpoint.
 */
final class Tally {

    private static final Map<String, Tally> BY_NAME = new ConcurrentHashMap<>();

    private final String phase;
    private final String endpoint;
    private final long seconds;
    private final @Nullable Tally both;
    private final Histogram answered = histogram();
    private final Histogram shed = histogram();
    private final LongAdder failed = new LongAdder();
    private final LongAccumulator max = new LongAccumulator(Math::max, 0);

    private Tally(String phase, String endpoint, long seconds, @Nullable Tally both) {
        this.phase = phase;
        this.endpoint = endpoint;
        this.seconds = seconds;
        this.both = both;
    }

    /** The tally of one endpoint in the phase named, which lasts the seconds given; it counts in "all" too. */
    static Tally of(String phase, String endpoint, long seconds) {
        Tally both = BY_NAME.computeIfAbsent(phase + " all", name -> new Tally(phase, "all", seconds, null));
        return BY_NAME.computeIfAbsent(phase + " " + endpoint, name -> new Tally(phase, endpoint, seconds, both));
    }

    String phase() {
        return phase;
    }

    /** Counts one request and its response time in ms, -1 when it got no answer. */
    void count(Outcome outcome, long millis) {
        switch (outcome) {
            case ANSWERED -> answered.recordValue(millis);
            case SHED -> shed.recordValue(millis);
            case FAILED -> failed.increment();
        }
        max.accumulate(millis);
        if (both != null) {
            both.count(outcome, millis);
        }
    }

    /**
     * One line per phase and endpoint: {@code load-result phase=... endpoint=... seconds=... answered=... p50=...
     * p99=... shed=... shed_p99=... failed=... max=...}, latencies in ms ("-" for none); max is the longest wait for
     * any answer, whatever it was.
     */
    static void print() {
        BY_NAME.values().stream()
                .sorted(Comparator.comparing((Tally tally) -> tally.phase).thenComparing(tally -> tally.endpoint))
                .forEach(tally -> System.out.printf(
                        "load-result phase=%s endpoint=%s seconds=%d answered=%d p50=%s p99=%s shed=%d shed_p99=%s"
                                + " failed=%d max=%d%n",
                        tally.phase,
                        tally.endpoint,
                        tally.seconds,
                        tally.answered.getTotalCount(),
                        percentile(tally.answered, 50),
                        percentile(tally.answered, 99),
                        tally.shed.getTotalCount(),
                        percentile(tally.shed, 99),
                        tally.failed.sum(),
                        tally.max.get()));
    }

    // "-" where nothing was counted: no latency can meet a target then.
    private static String percentile(Histogram histogram, double percentile) {
        return histogram.getTotalCount() == 0 ? "-" : String.valueOf(histogram.getValueAtPercentile(percentile));
    }

    private static Histogram histogram() {
        // Milliseconds, as large as they come; four significant digits keep every value up to 16 s exact.
        return new ConcurrentHistogram(4);
    }

    enum Outcome {
        ANSWERED,
        SHED,
        FAILED
    }
}
