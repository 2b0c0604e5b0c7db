# Where a JVM's CPU goes, from async-profiler's collapsed stacks taken with threads (-t): each sample is put
# under the innermost frame that belongs to a known part (the Kafka client, the JDBC driver, Tomcat, ...), so
# that a socket write the Kafka client makes counts as the Kafka client's; samples with no Java frame of a
# known part count by their thread (JIT compiler, garbage collector, other JVM threads). Prints each part's
# share of the samples, largest first, then the hottest leaf frames. Used by scripts/benchmark.sh (BENCH_PROFILE).
#
#   awk -f scripts/profile-summary.awk <collapsed stacks>

function part_of(frame) {
    gsub(/\//, ".", frame)
    if (frame ~ /^uz\.lms\./) return "our code"
    if (frame ~ /^org\.apache\.kafka\.clients\.(producer|consumer)|^org\.apache\.kafka\.clients\./) return "Kafka client"
    if (frame ~ /^(kafka\.|org\.apache\.kafka\.(server|storage|raft|metadata|coordinator|controller|image|network))/) return "Kafka broker"
    if (frame ~ /^org\.apache\.kafka\.common\./) return "Kafka common (records, network)"
    if (frame ~ /^org\.springframework\.kafka\./) return "Spring for Apache Kafka"
    if (frame ~ /^org\.postgresql\./) return "PostgreSQL JDBC driver"
    if (frame ~ /^com\.zaxxer\.hikari\./) return "HikariCP"
    if (frame ~ /^(tools\.jackson|com\.fasterxml\.jackson)\./) return "Jackson"
    if (frame ~ /^org\.apache\.(tomcat|coyote|catalina)\./) return "Tomcat"
    if (frame ~ /^io\.micrometer\./) return "Micrometer (metrics, observations)"
    if (frame ~ /^org\.springframework\.(jdbc|transaction|dao)\./) return "Spring JDBC and transactions"
    if (frame ~ /^org\.springframework\.(web|http)/) return "Spring MVC"
    if (frame ~ /^org\.springframework\./) return "Spring (other)"
    if (frame ~ /^(org\.telegram|okhttp3|okio)\./) return "Bot API client"
    if (frame ~ /^(ch\.qos\.logback|org\.slf4j|org\.apache\.logging)\./) return "logging"
    if (frame ~ /^(io\.github\.bucket4j|com\.bucket4j)\./) return "Bucket4j"
    return ""
}

function thread_part(thread) {
    if (thread ~ /Compiler ?Thread|C[12] CompilerThre/) return "JIT compiler"
    if (thread ~ /GC|G1|Conc|Refine|Young|Old|Mark|Sweep/) return "garbage collector"
    return ""
}

{
    count = $NF
    stack = substr($0, 1, length($0) - length(count) - 1)
    n = split(stack, frames, ";")
    thread = frames[1]
    part = ""
    for (i = n; i >= 1 && part == ""; i--) part = part_of(frames[i])
    if (part == "") part = thread_part(thread)
    if (part == "") part = "JDK, JVM and kernel (other)"
    parts[part] += count
    leaf = frames[n]
    sub(/_\[[a-z0-9]\]$/, "", leaf)
    leaves[leaf] += count
    total += count
}

END {
    if (total == 0) { print "no samples"; exit }
    printf "%d samples\n", total
    for (part in parts) printf "%5.1f %%  %s\n", 100 * parts[part] / total, part | "sort -rn"
    close("sort -rn")
    print "hottest leaf frames:"
    for (leaf in leaves) printf "%5.1f %%  %s\n", 100 * leaves[leaf] / total, leaf | "sort -rn | head -n 8"
    close("sort -rn | head -n 8")
}
