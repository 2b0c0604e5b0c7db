package uz.lms.registration.benchmark;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.Simulation;

/**
 * Throughput: {@code bench.connections} clients (32), each sending its next request as soon as the last
 * was answered, on a kept-alive connection of its own, for {@code bench.seconds}; {@code bench.endpoint}
 * is {@code verify} or {@code register}. As wrk does it.
 */
public class ClosedLoad extends Simulation {

    {
        int connections = Integer.getInteger("bench.connections", 32);
        boolean register = "register".equals(System.getProperty("bench.endpoint"));
        setUp(scenario(register ? "register, closed loop" : "verify, closed loop")
                        .forever()
                        .on(register ? Load.register() : Load.verify())
                        .injectOpen(atOnceUsers(connections)))
                .protocols(Load.protocol())
                .maxDuration(Load.DURATION);
    }

    @Override
    public void before() {
        Load.prepareUsers();
    }
}
