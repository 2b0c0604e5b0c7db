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
# LOCAL_STACK_SANDBOX_PORT; data and logs: LOCAL_STACK_DATA_DIR.
set -euo pipefail
cd "$(dirname "$0")"

SERVICES="verification-service gateway-service telegram-service"
DATA_DIR="${LOCAL_STACK_DATA_DIR:-$PWD/.run-data}"
LOGS="$DATA_DIR/logs"
STARTUP_SECONDS="${RUN_STARTUP_SECONDS:-240}"
export LOCAL_STACK_DATA_DIR="$DATA_DIR"

port_of() {
    case "$1" in
        gateway-service) echo "${RUN_GATEWAY_PORT:-8080}" ;;
        verification-service) echo "${RUN_VERIFICATION_PORT:-8081}" ;;
        telegram-service) echo "${RUN_TELEGRAM_PORT:-8082}" ;;
    esac
}

# shellcheck source=scripts/java-home.sh
. scripts/java-home.sh

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

# Each process gets a session (and process group) of its own, so it can be stopped with all its children.
start() {
    local name="$1"
    shift
    if command -v setsid >/dev/null; then
        setsid "$@" >"$LOGS/$name.log" 2>&1 </dev/null &
    else
        "$@" >"$LOGS/$name.log" 2>&1 </dev/null &
    fi
    echo $! >"$DATA_DIR/pids/$name"
}

pid_of() {
    cat "$DATA_DIR/pids/$1" 2>/dev/null || true
}

alive() {
    local pid
    pid="$(pid_of "$1")"
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# TERM to each process group, KILL to what is left after 30 seconds.
stop() {
    local name pid waited=0
    for name in "$@"; do
        pid="$(pid_of "$name")"
        [ -n "$pid" ] && { kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; }
    done
    for name in "$@"; do
        while alive "$name" && [ "$waited" -lt 60 ]; do
            sleep 0.5
            waited=$((waited + 1))
        done
        pid="$(pid_of "$name")"
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
            kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
        fi
        rm -f "$DATA_DIR/pids/$name"
    done
}

# PostgreSQL runs in a session of its own (pg_ctl detaches it): stop it if local-stack could not.
stop_orphan_postgres() {
    local pid
    pid="$(head -n 1 "$DATA_DIR/postgres/postmaster.pid" 2>/dev/null || true)"
    if [ -n "$pid" ] && ps -o args= -p "$pid" 2>/dev/null | grep -q postgres; then
        kill -INT "$pid" 2>/dev/null || true
        local i
        for i in $(seq 1 40); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
    fi
}

# What a run killed outright (SIGKILL) left behind, if it still is ours: pids get reused.
stop_stale() {
    local name pid
    for name in local-stack $SERVICES; do
        pid="$(pid_of "$name")"
        if [ -n "$pid" ] && ps -o args= -p "$pid" 2>/dev/null | grep -q -- "-exec.jar"; then
            stop "$name"
        fi
        rm -f "$DATA_DIR/pids/$name"
    done
    stop_orphan_postgres
}

cleanup() {
    # A second Ctrl-C must not cut the cleanup short and leave processes behind.
    trap '' INT TERM
    trap - EXIT
    echo "Stopping..."
    stop $SERVICES
    stop local-stack
    stop_orphan_postgres
    rm -f "$DATA_DIR/run.pid"
    echo "Stopped."
}

# GET over bash's /dev/tcp, so that no curl is needed: true when the answer is 200.
http_ok() {
    local status=""
    exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
    printf 'GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n' "$2" >&3
    IFS= read -r -t 5 status <&3 || true
    exec 3<&- 3>&-
    case "$status" in *" 200"*) return 0 ;; *) return 1 ;; esac
}

failed() {
    echo "$1 did not start; the end of $LOGS/$1.log:" >&2
    tail -n 30 "$LOGS/$1.log" >&2 || true
    exit 1
}

wait_until_ready() {
    local deadline=$((SECONDS + STARTUP_SECONDS)) name pending
    while :; do
        pending=""
        for name in $SERVICES; do
            alive "$name" || failed "$name"
            http_ok "$(port_of "$name")" /actuator/health/readiness 2>/dev/null || pending="$pending $name"
        done
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
    echo "                verification.codes, user.events, code.deliveries (+ -dlt)"
    echo "   Watch them   ./run.sh watch   (in another terminal: every record as it passes, codes and phone numbers masked)"
    echo "   PostgreSQL   ${SPRING_DATASOURCE_URL:-}"
    echo "   Health       $gateway/actuator/health, :$(port_of verification-service) and :$(port_of telegram-service) likewise"
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
stop_stale
echo $$ >"$DATA_DIR/run.pid"
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pick_java
echo "Java: $JAVA_HOME"
[ "$BUILD" = yes ] && build_if_needed
for module in local-stack $SERVICES; do
    [ -n "$(exec_jar "$module")" ] || { echo "$module/target has no exec jar: run ./run.sh without --no-build" >&2; exit 1; }
done

ENV_FILE="$DATA_DIR/local-stack.env"
rm -f "$ENV_FILE"
echo "Starting Kafka, PostgreSQL and the Telegram sandbox where the environment does not name real ones..."
start local-stack "$JAVA_HOME/bin/java" ${JAVA_OPTS:-} -jar "$(exec_jar local-stack)"
deadline=$((SECONDS + STARTUP_SECONDS))
until [ -f "$ENV_FILE" ]; do
    alive local-stack || failed local-stack
    [ "$SECONDS" -lt "$deadline" ] || failed local-stack
    sleep 0.5
done
set -a
# shellcheck disable=SC1090
. "$ENV_FILE"
set +a

echo "Starting $SERVICES..."
for name in $SERVICES; do
    SERVER_PORT="$(port_of "$name")" start "$name" "$JAVA_HOME/bin/java" ${JAVA_OPTS:-} -jar "$(exec_jar "$name")"
done
wait_until_ready
banner

while :; do
    for name in local-stack $SERVICES; do
        alive "$name" || { echo "$name stopped; see $LOGS/$name.log" >&2; exit 1; }
    done
    sleep 1
done
