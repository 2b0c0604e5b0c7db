package uz.lms.registration.benchmark;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.Simulation;

/**
 * Latency at a constant arrival rate: {@code bench.verify-rate} verifications (1,000) and
 * {@code bench.register-rate} registrations (500) a second, together, for {@code bench.seconds}. Each
 * request starts on its schedule whether or not earlier ones were answered (an open model), on shared
 * kept-alive connections, so a stall shows in the latencies instead of hiding in fewer requests: no
 * coordinated omission.
 */
public class OpenLoad extends Simulation {

    {
        double verifyRate = Double.parseDouble(System.getProperty("bench.verify-rate", "1000"));
        double registerRate = Double.parseDouble(System.getProperty("bench.register-rate", "500"));
        setUp(
                        scenario("verify, open")
                                .exec(Load.verify())
                                .injectOpen(constantUsersPerSec(verifyRate).during(Load.DURATION)),
                        scenario("register, open")
                                .exec(Load.register())
                                .injectOpen(constantUsersPerSec(registerRate).during(Load.DURATION)))
                .protocols(Load.protocol().shareConnections());
    }
}
