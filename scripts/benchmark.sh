#!/usr/bin/env bash
# The load benchmark: starts the whole system as ./run.sh does (its own data directory, ports 2808x), with
# a Bot API stand-in that takes every code message and times its arrival, seeds 1,000,000 users who have
# shared their contact with the bot, and drives the HTTP API:
#   - code delivery, first, before the load queues codes for the bot: 20 /register a second, time from each
#     200 to its sendMessage reaching the Bot API, twice (the first round warms up);
#   - warm-up: wrk on /verify, then on /register, BENCH_WARMUP_SECONDS (150) each, until the JITs are done;
#   - closed loop: wrk, 2 threads, 32 connections, on /verify, then on /register, BENCH_RUNS times (3);
#   - open loop: Gatling, 1,000 /verify and 500 /register a second together (latency without coordinated
#     omission).
# Each for BENCH_SECONDS (30). Prints a table of throughput, latency, CPU-seconds per 1,000 requests and
# memory per process, and the time ./run.sh took to be ready; keeps it, with Gatling's HTML report, in
# benchmark/target/benchmark-<time>/.
#
#   scripts/benchmark.sh          (needs wrk: apt-get install wrk)
#
# Settings: BENCH_BUILD=no (the services' jars as they are), BENCH_SYSTEM (a checkout of this repository,
# built, whose run.sh to start: another commit to compare with; this one by default), BENCH_SECONDS,
# BENCH_RUNS, BENCH_WARMUP_SECONDS, BENCH_CONNECTIONS, BENCH_VERIFY_RATE, BENCH_REGISTER_RATE,
# BENCH_DELIVERY_RATE; JAVA_OPTS passes on to the services, as with run.sh, and so do the local stack's
# settings (LOCAL_STACK_POSTGRES_DURABLE=false: PostgreSQL without fsync and synchronous commits).
# BENCH_JFR=1 records each service with JDK Flight Recorder (settings=profile) during the first closed
# loop of each endpoint, into <service>-<endpoint>.jfr beside the table (`jfr view hot-methods <file>`).
# The gateway's rate limits are off (GATEWAY_RATE_LIMIT_ENABLED=false): they exist to stop this.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
SECONDS_PER_RUN="${BENCH_SECONDS:-30}"
RUNS="${BENCH_RUNS:-3}"
# Four JVMs compiling their hot code share two cores with the load: throughput keeps rising for minutes.
WARMUP="${BENCH_WARMUP_SECONDS:-150}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
VERIFY_RATE="${BENCH_VERIFY_RATE:-1000}"
REGISTER_RATE="${BENCH_REGISTER_RATE:-500}"
DELIVERY_RATE="${BENCH_DELIVERY_RATE:-20}"
GATEWAY_PORT=28080
BOT_API_PORT=28090
DATA="$PWD/.bench-data"
SYSTEM="$(cd "${BENCH_SYSTEM:-.}" && pwd)"
OUT="$PWD/benchmark/target/benchmark-$(date +%Y%m%d-%H%M%S)"
SERVICES="gateway-service verification-service telegram-service"

# shellcheck source=scripts/java-home.sh
. scripts/java-home.sh
pick_java
mkdir -p "$OUT"
echo "Building (log: $OUT/build.log)..."
if [ "${BENCH_BUILD:-yes}" = yes ]; then
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

# Starts run.sh and returns once it printed its banner.
start_system() {
    LOCAL_STACK_DATA_DIR="$DATA" RUN_GATEWAY_PORT="$GATEWAY_PORT" RUN_VERIFICATION_PORT=28081 RUN_TELEGRAM_PORT=28082 \
        LOCAL_STACK_KAFKA_PORT=29092 LOCAL_STACK_POSTGRES_PORT=25432 \
        TELEGRAM_API_URL="http://127.0.0.1:$BOT_API_PORT" TELEGRAM_BOT_TOKEN=7000000001:benchmark \
        GATEWAY_RATE_LIMIT_ENABLED=false LOCAL_STACK_POSTGRES_DURABLE="${LOCAL_STACK_POSTGRES_DURABLE:-true}" \
        "$SYSTEM/run.sh" --no-build >>"$OUT/run.log" 2>&1 &
    RUN_PID=$!
    until [ "$(grep -c "LMS registration is running" "$OUT/run.log")" -gt "$1" ]; do
        kill -0 "$RUN_PID" 2>/dev/null || { tail -n 30 "$OUT/run.log" >&2; exit 1; }
        sleep 0.2
    done
}

rm -rf "$DATA"
echo "Starting the system (log: $OUT/run.log)..."
started=$(date +%s.%N)
start_system 0
READY_SECONDS=$(awk -v from="$started" -v to="$(date +%s.%N)" 'BEGIN { printf "%.1f", to - from }')
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
# Answers that are failures under load: 5xx (503: shed or no reply in time) and broken connections.
wrk_errors() {
    echo "$WRK" | tr ' ' '\n' | awk -F= '$1 ~ /^5/ || $1 == "socket_errors" { n += $2 } END { print n + 0 }'
}

# Runs one simulation; its report goes to $OUT/<label>/. Extra arguments are -D settings. CPU_BEFORE and
# CPU_AFTER are the CPU snapshots from the moment Gatling starts its simulation to the moment it ends it,
# leaving out Maven's and Gatling's own start and the report.
LAST_REPORT=""
gatling() {
    local label="$1" simulation="$2" pid
    shift 2
    ./mvnw -B -ntp -Pbenchmark -pl benchmark gatling:test -Dgatling.simulationClass="uz.lms.registration.benchmark.$simulation" \
        -Dbench.gateway="http://localhost:$GATEWAY_PORT" "$@" >"$OUT/$label.log" 2>&1 &
    pid=$!
    until grep -q "^Simulation .* started" "$OUT/$label.log" 2>/dev/null || ! kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    CPU_BEFORE="$(sorted_cpu_snapshot)"
    until grep -q "^Parsing log file" "$OUT/$label.log" 2>/dev/null || ! kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    CPU_AFTER="$(sorted_cpu_snapshot)"
    wait "$pid" || { tail -n 30 "$OUT/$label.log" >&2; exit 1; }
    LAST_REPORT="$OUT/$label"
    mv "$(ls -dt benchmark/target/gatling/*/ | head -n 1)" "$LAST_REPORT"
}
# From the last report's statistics table (index.html): a figure for one request name, or "all".
# requests, ko: counts; p50, p99, max: response times in ms.
stat() {
    perl -0777 -ne '
        BEGIN { ($request, $what) = splice @ARGV, 0, 2 }
        my %column = (requests => 2, ko => 4, p50 => 8, p99 => 11, max => 12);
        for my $row (split /<td class="total col-1">/) {
            my ($id) = $row =~ /id="([^"]+)"/ or next;
            next unless $request eq "all" ? $id eq "ROOT" : $id =~ /^req_\Q$request\E-/;
            my %value = $row =~ /<td class="value \w+ col-(\d+)">([^<]*)<\/td>/g;
            print "$value{$column{$what}}\n";
            last;
        }
    ' "$1" "$2" <"$LAST_REPORT/index.html"
}
# CPU-seconds per 1,000 requests of each part between two snapshots.
cpu_per_thousand() {
    local before="$1" after="$2" requests="$3" hz
    hz=$(getconf CLK_TCK)
    join <(echo "$before") <(echo "$after") | awk -v n="$requests" -v hz="$hz" \
        '{ printf "%s %.2f\n", $1, ($3 - $2) / hz / n * 1000 }'
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
echo "Warming up (${WARMUP}s per endpoint)..."
wrk_run verify "$WARMUP" warmup-verify
wrk_run register "$WARMUP" warmup-register

CLOSED=""
for run in $(seq 1 "$RUNS"); do
    for endpoint in verify register; do
        echo "Closed loop, $endpoint, run $run of $RUNS..."
        [ "$endpoint" = verify ] && seed_users >/dev/null
        if [ "${BENCH_JFR:-0}" = 1 ] && [ "$run" = 1 ]; then
            for service in $SERVICES; do
                "$JAVA_HOME/bin/jcmd" "$(pids_of "$service")" JFR.start duration="$((SECONDS_PER_RUN + 5))s" \
                    settings=profile filename="$OUT/$service-$endpoint.jfr" >/dev/null
            done
        fi
        wrk_run "$endpoint" "$SECONDS_PER_RUN" "closed-$endpoint-$run"
        CLOSED="$CLOSED$endpoint $run $(wrk_field requests) $(wrk_field seconds) $(wrk_field p50) $(wrk_field p99) $(wrk_errors)"$'\n'
        cpu_per_thousand "$CPU_BEFORE" "$CPU_AFTER" "$(wrk_field requests)" >"$OUT/cpu-$endpoint-$run.txt"
    done
done

echo "Open loop: $VERIFY_RATE /verify and $REGISTER_RATE /register a second..."
seed_users >/dev/null
( sleep $((SECONDS_PER_RUN * 2 / 3 + 8)); memory_snapshot >"$OUT/memory.txt" ) &
MEMORY_PID=$!
gatling open OpenLoad -Dbench.seconds="$SECONDS_PER_RUN" -Dbench.verify-rate="$VERIFY_RATE" \
    -Dbench.register-rate="$REGISTER_RATE" -Dbench.first-user="$next_user"
wait "$MEMORY_PID"
cpu_per_thousand "$CPU_BEFORE" "$CPU_AFTER" "$(stat all requests)" >"$OUT/cpu-open.txt"
OPEN="$(stat verify p50) $(stat verify p99) $(stat verify max) $(stat verify ko) $(stat register p50) $(stat register p99) $(stat register max) $(stat register ko)"

echo "Restarting the system: start-up with built jars and their class caches..."
kill -TERM "$RUN_PID" && wait "$RUN_PID" || true
started=$(date +%s.%N)
start_system 1
RESTART_SECONDS=$(awk -v from="$started" -v to="$(date +%s.%N)" 'BEGIN { printf "%.1f", to - from }')

{
    echo "# Benchmark $(date -u +%Y-%m-%dT%H:%M:%SZ), $(git -C "$SYSTEM" rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1)"
    echo
    echo "./run.sh ready after ${READY_SECONDS}s (the first start after a build also makes the class caches), then after ${RESTART_SECONDS}s on a restart"
    echo "$(grep -h -m 1 '^postgres: ' "$OUT/seed.log")"
    echo
    echo "Closed loop (wrk), $CONNECTIONS connections, ${SECONDS_PER_RUN}s a run, after ${WARMUP}s of warm-up per endpoint:"
    echo
    echo "| endpoint | run | req/s | p50 ms | p99 ms | 503s and other errors |"
    echo "|---|---|---|---|---|---|"
    echo -n "$CLOSED" | awk '{ printf "| /%s | %s | %.0f | %.0f | %.0f | %s |\n", $1, $2, $3 / $4, $5, $6, $7 }'
    echo
    echo "Open loop, $VERIFY_RATE /verify and $REGISTER_RATE /register a second together, ${SECONDS_PER_RUN}s:"
    echo
    echo "| endpoint | p50 ms | p99 ms | max ms | errors |"
    echo "|---|---|---|---|---|"
    echo "$OPEN" | awk '{ printf "| /verify | %s | %s | %s | %s |\n| /register | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8 }'
    echo
    echo "Code delivery at $DELIVERY_RATE /register a second, from the 200 to sendMessage at the Bot API:"
    echo
    echo "$DELIVERY" | awk '{ printf "%s sent, %s answered 200, %s delivered; p50 %s ms, p99 %s ms, max %s ms\n", $1, $2, $3, $4, $5, $6 }'
    echo
    echo "CPU-seconds per 1,000 requests (machine: every process, the load generator included):"
    echo
    echo "| process | /verify closed (run 1) | /register closed (run 1) | open loop |"
    echo "|---|---|---|---|"
    join <(join "$OUT/cpu-verify-1.txt" "$OUT/cpu-register-1.txt") "$OUT/cpu-open.txt" |
        awk '{ printf "| %s | %s | %s | %s |\n", $1, $2, $3, $4 }'
    echo
    echo "Memory during the open loop, MB:"
    echo
    echo "| process | PSS | RSS |"
    echo "|---|---|---|"
    awk '{ printf "| %s | %s | %s |\n", $1, $2, $3; pss += $2; rss += $3 } END { printf "| the whole stack | %d | %d |\n", pss, rss }' "$OUT/memory.txt"
    echo
    echo "Gatling's report of the open loop: $OUT/open/index.html; wrk's output: $OUT/*.txt"
} | tee "$OUT/summary.md"
