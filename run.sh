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

# A class cache per exec jar and JDK: the JVM maps the classes a training run loaded (JDK >= 25: linked and
# profiled too, the AOT cache of JEP 483/514/515; older: AppCDS) instead of loading them again. Spring Boot's
# recipe: the jar extracted (a cache holds only for its class path), a run that stops once its context is
# refreshed (spring.context.exit=onRefresh, on the real broker and database: its beans connect to them);
# local-stack's training is a start and a stop. Made on the first run after a build or a JDK change, under
# <module>/target/class-cache/; a JVM that cannot use its cache says so in its log and starts without it.
cache_dir() {
    echo "$1/target/class-cache/$JAVA_VERSION"
}

cache_file() {
    if [ "${JAVA_VERSION%%[.+-]*}" -ge 25 ]; then
        echo "$(cache_dir "$1")/app.aot"
    else
        echo "$(cache_dir "$1")/app.jsa"
    fi
}

cache_fresh() {
    [ -f "$(cache_file "$1")" ] && [ "$(cache_file "$1")" -nt "$(exec_jar "$1")" ]
}

# Starts module's jar as process name, JVM options after the first three arguments: from its extracted copy
# and class cache when that is fresh, else as built; training=yes writes the cache, once the JVM exits, to
# <cache>.new.
start_jvm() {
    local name="$1" module="$2" training="$3" cache jar
    shift 3
    cache="$(cache_file "$module")"
    jar="$(cache_dir "$module")/$(basename "$(exec_jar "$module")")"
    if [ "$training" = yes ]; then
        case "$cache" in
            *.aot) set -- "$@" "-XX:AOTCacheOutput=$cache.new" -jar "$jar" ;;
            *) set -- "$@" "-XX:ArchiveClassesAtExit=$cache.new" -jar "$jar" ;;
        esac
    elif cache_fresh "$module"; then
        case "$cache" in
            *.aot) set -- "$@" "-XX:AOTCache=$cache" -jar "$jar" ;;
            *) set -- "$@" "-XX:SharedArchiveFile=$cache" -jar "$jar" ;;
        esac
    else
        set -- "$@" -jar "$(exec_jar "$module")"
    fi
    # shellcheck disable=SC2086
    start "$name" "$JAVA_HOME/bin/java" ${JAVA_OPTS:-} "$@"
}

# The names of the training runs of the modules given.
trainings() {
    printf '%s-training ' "$@"
}

# Waits for the training run started as name to exit; keeps the cache it wrote if it exited with 0.
keep_cache() {
    local name="$1" module="$2" status=0
    wait "$(pid_of "$name")" 2>/dev/null || status=$?
    rm -f "$DATA_DIR/pids/$name"
    if [ "$status" -eq 0 ] && [ -s "$(cache_file "$module").new" ]; then
        mv "$(cache_file "$module").new" "$(cache_file "$module")"
    else
        rm -f "$(cache_file "$module").new"
    fi
}

# Trains the class caches that are missing or older than their jar, each service against a local-stack
# started for the purpose. A module whose training fails starts as built.
make_class_caches() {
    local module stale="" trained="" settings
    for module in local-stack $SERVICES; do
        cache_fresh "$module" || stale="$stale $module"
    done
    [ -n "$stale" ] || return 0
    echo "Making the class caches of$stale (once per build and JDK)..."
    for module in $stale; do
        rm -rf "$(cache_dir "$module")"
        "$JAVA_HOME/bin/java" -Djarmode=tools -jar "$(exec_jar "$module")" extract \
            --destination "$(cache_dir "$module")" >"$LOGS/$module-training.log" 2>&1 && trained="$trained $module"
    done
    case "$trained" in
        *local-stack*) start_local_stack local-stack-training yes ;;
        *) start_local_stack local-stack-training no ;;
    esac
    settings="$(sed 's/=.*//' "$DATA_DIR/local-stack.env")"
    for module in $trained; do
        [ "$module" = local-stack ] && continue
        SERVER_PORT="$(port_of "$module")" start_jvm "$module-training" "$module" yes -Dspring.context.exit=onRefresh
    done
    for module in $trained; do
        [ "$module" = local-stack ] || keep_cache "$module-training" "$module"
    done
    # local-stack writes its cache after it has stopped, which may take longer than stop() waits.
    kill -TERM -- "-$(pid_of local-stack-training)" 2>/dev/null || true
    keep_cache local-stack-training local-stack
    stop_orphan_postgres
    # What local-stack is to start must stay unset, or the next one would take it for real parts to use.
    # shellcheck disable=SC2086
    unset $settings
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
    for name in local-stack $SERVICES $(trainings local-stack $SERVICES); do
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
    stop $SERVICES $(trainings $SERVICES)
    stop local-stack $(trainings local-stack)
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
JAVA_VERSION="$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.runtime.version = //p')"
echo "Java: $JAVA_HOME ($JAVA_VERSION)"
[ "$BUILD" = yes ] && build_if_needed
for module in local-stack $SERVICES; do
    [ -n "$(exec_jar "$module")" ] || { echo "$module/target has no exec jar: run ./run.sh without --no-build" >&2; exit 1; }
done

make_class_caches
echo "Starting Kafka, PostgreSQL and the Telegram sandbox where the environment does not name real ones..."
start_local_stack local-stack no

echo "Starting $SERVICES..."
for name in $SERVICES; do
    SERVER_PORT="$(port_of "$name")" start_jvm "$name" "$name" no
done
wait_until_ready
banner

while :; do
    for name in local-stack $SERVICES; do
        alive "$name" || { echo "$name stopped; see $LOGS/$name.log" >&2; exit 1; }
    done
    sleep 1
done
