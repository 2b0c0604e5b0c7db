# Sourced by run.sh and .ci/run: exports JAVA_HOME as a JDK >= 21 (the build needs javac), keeping the
# one already set when it qualifies; otherwise the JDK of `java` on the PATH, then any under the usual roots.

java_major() {
    "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'
}

pick_java() {
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && [ "$(java_major "$JAVA_HOME")" -ge 21 ] 2>/dev/null; then
        return
    fi
    local candidate
    for candidate in "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /none)" 2>/dev/null || echo /none)")")" \
        /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
        if [ -x "$candidate/bin/javac" ] && [ "$(java_major "$candidate")" -ge 21 ] 2>/dev/null; then
            export JAVA_HOME="$candidate"
            return
        fi
    done
    echo "a JDK >= 21 is needed: set JAVA_HOME to one" >&2
    exit 1
}
