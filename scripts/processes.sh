# shellcheck shell=bash
# Sourced by run.sh: the processes it starts, each by name, with its pid in $DATA_DIR/pids/<name> and its
# output in $LOGS/<name>.log: starting them, asking whether they are up, and stopping them.

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
        for _ in $(seq 1 40); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
    fi
}

# What a run killed outright (SIGKILL) left behind of the processes named, if it still is ours: pids get reused.
stop_stale() {
    local name pid
    for name in "$@"; do
        pid="$(pid_of "$name")"
        if [ -n "$pid" ] && ps -o args= -p "$pid" 2>/dev/null | grep -q -- "-exec.jar"; then
            stop "$name"
        fi
        rm -f "$DATA_DIR/pids/$name"
    done
    stop_orphan_postgres
}

# Says that name did not start, with the end of its log, and exits.
failed() {
    echo "$1 did not start; the end of $LOGS/$1.log:" >&2
    tail -n 30 "$LOGS/$1.log" >&2 || true
    exit 1
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
