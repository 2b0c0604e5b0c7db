package uz.lms.registration.benchmark;

import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Simulation;
import java.util.ArrayList;
import java.util.List;

/**
 * Latency at a constant arrival rate: {@code bench.verify-rate} verifications and {@code bench.register-rate}
 * registrations a second, together, for {@code bench.seconds} (scripts/benchmark.sh: half the capacity its
 * closed loop measured). Each request starts on its schedule whether or not earlier ones were answered (an
 * open model), on shared kept-alive connections, so a stall shows in the latencies instead of hiding in fewer
 * requests: no coordinated omission. Its phase is {@code open}, after the generator's warm-up ({@link Load#warmUp()}).
 */
public class OpenLoad extends Simulation {

    {
        List<PopulationBuilder> phases = new ArrayList<>();
        phases.add(Load.warmUp());
        phases.addAll(Load.phase("open", Load.WARM_UP, Load.DURATION, Load.VERIFY_RATE, Load.REGISTER_RATE));
        setUp(phases).protocols(Load.protocol());
    }

    @Override
    public void after() {
        Tally.print();
    }
}
