#!/usr/bin/env bash
# Runs the whole system on this machine: a real Kafka broker, PostgreSQL and the Telegram sandbox
# (local-stack), then the three services as separate processes on the contract's ports.
# Needs only a JDK >= 21. Ctrl-C stops everything. Logs: .run-data/logs/.
#
#   ./run.sh             build when the sources changed, then run
#   ./run.sh --no-build  run the jars as they are
#   ./run.sh watch       (in a second terminal) print every record on the topics as it passes, codes and phone numbers masked
#
# Environment: SPRING_KAFKA_BOOTSTRAP_SERVERS, SPRING_DATASOURCE_URL (+ _USERNAME, _PASSWORD) and
# TELEGRAM_BOT_TOKEN / TELEGRAM_API_URL replace the embedded parts; every other setting of the contract
# (VERIFICATION_CODE_TTL, GATEWAY_API_KEY, ...) passes through to the services. Ports: RUN_GATEWAY_PORT,
# RUN_VERIFICATION_PORT, RUN_TELEGRAM_PORT, LOCAL_STACK_KAFKA_PORT, LOCAL_STACK_POSTGRES_PORT,
# LOCAL_STACK_SANDBOX_PORT; data and logs: LOCAL_STACK_DATA_DIR. The class caches it makes for a faster start:
# scripts/class-caches.sh; how it starts and stops its processes: scripts/processes.sh.
# RUN_OBSERVABILITY=true also starts Zipkin's server on http://localhost:9411 (RUN_ZIPKIN_PORT; fetched from Maven
# Central into target/zipkin/ the first time), and every service exports its traces to it.
set -euo pipefail
cd "$(dirname "$0")"

SERVICES="verification-service gateway-service telegram-service"
DATA_DIR="${LOCAL_STACK_DATA_DIR:-$PWD/.run-data}"
LOGS="$DATA_DIR/logs"
STARTUP_SECONDS="${RUN_STARTUP_SECONDS:-240}"
export LOCAL_STACK_DATA_DIR="$DATA_DIR"
OBSERVABILITY="${RUN_OBSERVABILITY:-false}"
ZIPKIN_PORT="${RUN_ZIPKIN_PORT:-9411}"
# compose.yaml's observability profile runs the same version (openzipkin/zipkin).
ZIPKIN_SERVER=io.zipkin:zipkin-server:3.5.1:jar:exec
ZIPKIN_JAR=target/zipkin/zipkin-server-3.5.1-exec.jar

port_of() {
    case "$1" in
        gateway-service) echo "${RUN_GATEWAY_PORT:-8080}" ;;
        verification-service) echo "${RUN_VERIFICATION_PORT:-8081}" ;;
        telegram-service) echo "${RUN_TELEGRAM_PORT:-8082}" ;;
    esac
}

# shellcheck source=scripts/java-home.sh
. scripts/java-home.sh
# shellcheck source=scripts/processes.sh
. scripts/processes.sh
# shellcheck source=scripts/class-caches.sh
. scripts/class-caches.sh

exec_jar() {
    ls "$1"/target/"$1"-*-exec.jar 2>/dev/null | head -n 1 || true
}

# Builds when a jar is missing or a pom or main source file is newer than the oldest jar.
build_if_needed() {
    local module jar oldest=""
    for module in local-stack $SERVICES; do
        jar="$(exec_jar "$module")"
        if [ -z "$jar" ]; then
            oldest=""
            break
        fi
        if [ -z "$oldest" ] || [ "$jar" -ot "$oldest" ]; then
            oldest="$jar"
        fi
    done
    if [ -n "$oldest" ] && [ -z "$(find . -path ./.run-data -prune -o \( -name pom.xml -o -path '*/src/main/*' \) \
        -newer "$oldest" -print 2>/dev/null | head -n 1)" ]; then
        return
    fi
    echo "Building (the first build downloads dependencies and takes a few minutes); log: $LOGS/build.log"
    if ! ./mvnw -B -ntp -DskipTests package >"$LOGS/build.log" 2>&1; then
        tail -n 40 "$LOGS/build.log" >&2
        echo "The build failed; the whole log is $LOGS/build.log" >&2
        exit 1
    fi
}

# The lists of names split into words on purpose.
# shellcheck disable=SC2046,SC2086
cleanup() {
    # A second Ctrl-C must not cut the cleanup short and leave processes behind.
    trap '' INT TERM
    trap - EXIT
    echo "Stopping..."
    stop $SERVICES $(trainings $SERVICES)
    stop local-stack $(trainings local-stack) zipkin
    stop_orphan_postgres
    rm -f "$DATA_DIR/run.pid"
    echo "Stopped."
}

# Starts local-stack as name (training: see start_jvm) and exports the settings it writes once it is up.
start_local_stack() {
    local file="$DATA_DIR/local-stack.env" deadline=$((SECONDS + STARTUP_SECONDS))
    rm -f "$file"
    start_jvm "$1" local-stack "$2"
    until [ -f "$file" ]; do
        alive "$1" || failed "$1"
        [ "$SECONDS" -lt "$deadline" ] || failed "$1"
        sleep 0.5
    done
    set -a
    # shellcheck disable=SC1090
    . "$file"
    set +a
}

# Zipkin's server, fetched through Maven (the build's own repository and mirrors) the first time it is asked for.
fetch_zipkin() {
    [ -f "$ZIPKIN_JAR" ] && return
    echo "Fetching Zipkin's server ($ZIPKIN_SERVER, 131 MB, once); log: $LOGS/zipkin-fetch.log"
    if ! ./mvnw -B -ntp -N org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
        -Dartifact="$ZIPKIN_SERVER" -DoutputDirectory="$(dirname "$ZIPKIN_JAR")" >"$LOGS/zipkin-fetch.log" 2>&1; then
        tail -n 20 "$LOGS/zipkin-fetch.log" >&2
        echo "Zipkin's server could not be fetched; the whole log is $LOGS/zipkin-fetch.log" >&2
        exit 1
    fi
}

# Zipkin on the loopback address only (its spans name telegram_ids), keeping the newest 50,000 spans in memory
# within a bounded heap; JAVA_OPTS as for every JVM. Started before local-stack, waited for with the services.
start_zipkin() {
    # shellcheck disable=SC2086
    MEM_MAX_SPANS=50000 start zipkin "$JAVA_HOME/bin/java" -Xmx256m ${JAVA_OPTS:-} -jar "$ZIPKIN_JAR" \
        "--armeria.ports[0].ip=127.0.0.1" "--armeria.ports[0].port=$ZIPKIN_PORT"
    export MANAGEMENT_TRACING_EXPORT_ZIPKIN_ENABLED=true
    export MANAGEMENT_TRACING_EXPORT_ZIPKIN_ENDPOINT="http://localhost:$ZIPKIN_PORT/api/v2/spans"
}

wait_until_ready() {
    local deadline=$((SECONDS + STARTUP_SECONDS)) name pending
    while :; do
        pending=""
        for name in $SERVICES; do
            alive "$name" || failed "$name"
            http_ok "$(port_of "$name")" /actuator/health/readiness 2>/dev/null || pending="$pending $name"
        done
        if [ "$OBSERVABILITY" = true ]; then
            alive zipkin || failed zipkin
            http_ok "$ZIPKIN_PORT" /health 2>/dev/null || pending="$pending zipkin"
        fi
        [ -z "$pending" ] && return
        [ "$SECONDS" -lt "$deadline" ] || { echo "Not ready after ${STARTUP_SECONDS}s:$pending" >&2; exit 1; }
        sleep 1
    done
}

banner() {
    local gateway kafka
    gateway="http://localhost:$(port_of gateway-service)"
    kafka="${SPRING_KAFKA_BOOTSTRAP_SERVERS:-}"
    echo
    echo "=================================================================================="
    echo " LMS registration is running. Ctrl-C stops everything."
    echo
    echo "   HTTP API     $gateway        POST /register, POST /verify"
    echo "   API docs     $gateway/docs   (OpenAPI: $gateway/openapi.json)"
    if [ -n "${LOCAL_STACK_WEB_CHAT:-}" ]; then
        echo "   Web chat     $LOCAL_STACK_WEB_CHAT        the Telegram sandbox: press START"
    else
        echo "   Telegram     your bot, through ${TELEGRAM_API_URL:-https://api.telegram.org}"
    fi
    echo "   Kafka        $kafka   topics: registration.requests, verification.requests,"
    echo "                chat.registrations, chat.verifications, verification.codes, user.events,"
    echo "                code.deliveries (+ -dlt)"
    echo "   Watch them   ./run.sh watch   (in another terminal: every record as it passes, codes and phone numbers masked)"
    echo "   PostgreSQL   ${SPRING_DATASOURCE_URL:-}"
    echo "   Health       $gateway/actuator/health, :$(port_of verification-service) and :$(port_of telegram-service) likewise"
    if [ "$OBSERVABILITY" = true ]; then
        echo "   Traces       http://localhost:$ZIPKIN_PORT   Zipkin: one registration by its telegram_id tag"
    fi
    echo "   Logs         $LOGS/"
    echo "=================================================================================="
}

watch_topics() {
    pick_java
    local jar
    jar="$(exec_jar local-stack)"
    [ -n "$jar" ] || { echo "local-stack/target has no exec jar: start ./run.sh first" >&2; exit 1; }
    if [ -f "$DATA_DIR/local-stack.env" ]; then
        set -a
        # shellcheck disable=SC1091
        . "$DATA_DIR/local-stack.env"
        set +a
    fi
    exec "$JAVA_HOME/bin/java" -jar "$jar" watch
}

BUILD=yes
case "${1:-}" in
    --no-build) BUILD=no ;;
    watch) watch_topics ;;
    "") ;;
    *) echo "usage: ./run.sh [--no-build | watch]" >&2; exit 2 ;;
esac

mkdir -p "$LOGS" "$DATA_DIR/pids"
if [ -f "$DATA_DIR/run.pid" ] && kill -0 "$(cat "$DATA_DIR/run.pid")" 2>/dev/null; then
    echo "Already running (pid $(cat "$DATA_DIR/run.pid")); stop it first, or use another LOCAL_STACK_DATA_DIR" >&2
    exit 1
fi
# shellcheck disable=SC2046,SC2086
stop_stale local-stack $SERVICES $(trainings local-stack $SERVICES) zipkin
echo $$ >"$DATA_DIR/run.pid"
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pick_java
JAVA_VERSION="$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.runtime.version = //p')"
echo "Java: $JAVA_HOME ($JAVA_VERSION)"
[ "$BUILD" = yes ] && build_if_needed
for module in local-stack $SERVICES; do
    [ -n "$(exec_jar "$module")" ] || { echo "$module/target has no exec jar: run ./run.sh without --no-build" >&2; exit 1; }
done
[ "$OBSERVABILITY" = true ] && fetch_zipkin

make_class_caches
if [ "$OBSERVABILITY" = true ]; then
    echo "Starting Zipkin..."
    start_zipkin
fi
echo "Starting Kafka, PostgreSQL and the Telegram sandbox where the environment does not name real ones..."
start_local_stack local-stack no

echo "Starting $SERVICES..."
for name in $SERVICES; do
    SERVER_PORT="$(port_of "$name")" start_jvm "$name" "$name" no
done
wait_until_ready
banner

while :; do
    for name in local-stack $SERVICES $([ "$OBSERVABILITY" = true ] && echo zipkin); do
        alive "$name" || { echo "$name stopped; see $LOGS/$name.log" >&2; exit 1; }
    done
    sleep 1
done
