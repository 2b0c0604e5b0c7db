# shellcheck shell=bash
# Sourced by run.sh: a class cache per exec jar and JDK. The JVM maps the classes a training run loaded (JDK >= 25:
# linked and profiled too, the AOT cache of JEP 483/514/515; older: AppCDS) instead of loading them again. Spring
# Boot's recipe: the jar extracted (a cache holds only for its class path), a run that stops once its context is
# refreshed (spring.context.exit=onRefresh, on the real broker and database: its beans connect to them);
# local-stack's training is a start and a stop. Made on the first run after a build or a JDK change, under
# <module>/target/class-cache/; a JVM that cannot use its cache says so in its log and starts without it.
# Uses run.sh's JAVA_VERSION, SERVICES, LOGS, DATA_DIR, exec_jar, port_of and start_local_stack, and
# scripts/processes.sh.

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

# A cache is trained with the module's jvm.options: a change to them trains it again.
cache_fresh() {
    [ -f "$(cache_file "$1")" ] && [ "$(cache_file "$1")" -nt "$(exec_jar "$1")" ] \
        && [ "$(cache_file "$1")" -nt "$1/jvm.options" ]
}

# Starts module's jar as process name, with the JVM options of <module>/jvm.options, then JAVA_OPTS, then those
# after the first three arguments: from its extracted copy
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
    # The module's sizes first, so that JAVA_OPTS overrides any of them (the last of two options wins).
    # shellcheck disable=SC2086
    start "$name" "$JAVA_HOME/bin/java" "@$module/jvm.options" ${JAVA_OPTS:-} "$@"
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
