package uz.lms.registration.benchmark;

import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Load shedding and recovery, open loop: {@code bench.overload-verify-rate} verifications and
 * {@code bench.overload-register-rate} registrations a second for {@code bench.seconds} (phase {@code overload};
 * scripts/benchmark.sh: twice the capacity its closed loop measured), then {@code bench.verify-rate} and
 * {@code bench.register-rate} (half that capacity) for {@code bench.settle-seconds} (5; phase {@code settling},
 * the time the stack has to drain what the overload left) and {@code bench.seconds} more (phase {@code recovery}).
 * A phase counts the requests sent during it, whenever they are answered. All of it after the generator's
 * warm-up ({@link Load#warmUp()}).
 */
public class Overload extends Simulation {

    {
        Duration start = Load.WARM_UP;
        Duration overload = Load.DURATION;
        Duration settle = Duration.ofSeconds(Long.getLong("bench.settle-seconds", 5));
        List<PopulationBuilder> phases = new ArrayList<>();
        phases.add(Load.warmUp());
        phases.addAll(Load.phase(
                "overload",
                start,
                overload,
                Load.rate("bench.overload-verify-rate", 4 * Load.VERIFY_RATE),
                Load.rate("bench.overload-register-rate", 4 * Load.REGISTER_RATE)));
        phases.addAll(Load.phase("settling", start.plus(overload), settle, Load.VERIFY_RATE, Load.REGISTER_RATE));
        phases.addAll(Load.phase(
                "recovery", start.plus(overload).plus(settle), Load.DURATION, Load.VERIFY_RATE, Load.REGISTER_RATE));
        setUp(phases).protocols(Load.protocol());
    }

    @Override
    public void after() {
        Tally.print();
    }
}
