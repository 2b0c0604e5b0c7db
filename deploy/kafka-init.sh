#!/usr/bin/env bash
# compose.yaml's kafka-init: one SCRAM user per service, and ACLs that allow each one only its rows of
# the contract's topic table, its own topics and its own consumer groups. It runs in the broker's
# network namespace, as the super user of the loopback listener, on every `docker compose up`; adding
# what is already there changes nothing. ACLs are only ever added: revoke by hand (kafka-acls.sh --remove).
set -euo pipefail

BOOTSTRAP=127.0.0.1:9091
# Short-lived tools: start fast rather than run fast.
export KAFKA_HEAP_OPTS="-Xmx128m" KAFKA_JVM_PERFORMANCE_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"

declare -A PASSWORDS=(
    [verification-service]=KAFKA_VERIFICATION_PASSWORD
    [gateway-service]=KAFKA_GATEWAY_PASSWORD
    [telegram-service]=KAFKA_TELEGRAM_PASSWORD
    [operator]=KAFKA_OPERATOR_PASSWORD
)

# Checked before anything changes, so that one message names every missing or unusable password.
invalid=()
for user in "${!PASSWORDS[@]}"; do
    [[ "${!PASSWORDS[$user]:-}" =~ ^[A-Za-z0-9_-]{16,}$ ]] || invalid+=("${PASSWORDS[$user]}")
done
if [ ${#invalid[@]} -gt 0 ]; then
    echo "kafka-init: set ${invalid[*]} in the environment or in .env beside compose.yaml:" \
        "at least 16 letters, digits, '-' or '_' each (openssl rand -hex 24 makes one)." >&2
    exit 1
fi

# Each tool is a JVM that takes seconds to start: they run side by side, and the script waits for all.
pids=()
run() {
    "$@" >/dev/null &
    pids+=("$!")
}

for user in "${!PASSWORDS[@]}"; do
    run /opt/kafka/bin/kafka-configs.sh --bootstrap-server "$BOOTSTRAP" --alter --entity-type users --entity-name "$user" \
        --add-config "SCRAM-SHA-512=[iterations=8192,password=${!PASSWORDS[$user]}]"
done

allow() { # user, then kafka-acls.sh resource and operation arguments
    local user="$1"
    shift
    run /opt/kafka/bin/kafka-acls.sh --bootstrap-server "$BOOTSTRAP" --add --allow-principal "User:$user" "$@"
}
# The topics a service creates (with their partitions and retention, kept up to date by the service).
OWN=(--operation Create --operation DescribeConfigs --operation AlterConfigs)

# verification-service: reads the commands, writes codes, user events, replies and dead letters.
allow verification-service "${OWN[@]}" --operation Read \
    --topic registration.requests --topic verification.requests
allow verification-service "${OWN[@]}" --operation Write \
    --topic verification.codes --topic user.events --topic registration.requests-dlt --topic verification.requests-dlt
allow verification-service --operation Write \
    --topic gateway.registration.replies --topic gateway.verification.replies \
    --topic telegram.registration.replies --topic telegram.verification.replies
allow verification-service --operation Read --resource-pattern-type prefixed --group verification-service.

# gateway-service: writes the commands, reads its replies in a consumer group per instance.
allow gateway-service --operation Write --topic registration.requests --topic verification.requests
allow gateway-service "${OWN[@]}" --operation Read --topic gateway.registration.replies --topic gateway.verification.replies
allow gateway-service --operation Read --resource-pattern-type prefixed \
    --group gateway.registration.replies --group gateway.verification.replies

# telegram-service: writes the commands, reads codes and its replies; its own updates, poller lock and
# delivery events; dead letters of what it consumes.
allow telegram-service --operation Write --topic registration.requests --topic verification.requests
allow telegram-service --operation Read --topic verification.codes \
    --group telegram-poller --group telegram-conversation --group telegram-code-delivery
allow telegram-service "${OWN[@]}" --operation Read \
    --topic telegram.poller --topic telegram.updates --topic telegram.registration.replies --topic telegram.verification.replies
allow telegram-service "${OWN[@]}" --operation Write \
    --topic telegram.updates --topic telegram.updates-dlt --topic verification.codes-dlt --topic code.deliveries
allow telegram-service --operation Read --resource-pattern-type prefixed \
    --group telegram.registration.replies --group telegram.verification.replies

# operator (the LMS, operators, the Kafka UI): the events meant for anyone, never a code.
allow operator --operation Read --topic user.events --topic code.deliveries

for pid in "${pids[@]}"; do
    wait "$pid"
done
echo "kafka-init: users ${!PASSWORDS[*]} and their ACLs are in place"
