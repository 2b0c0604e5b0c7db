#!/usr/bin/env bash
# compose.yaml's kafka-init: one SCRAM user per service, and ACLs that allow each one only its rows of
# the contract's topic table, its own topics and its own consumer groups. It runs in the broker's
# network namespace, as the super user of the loopback listener, on every `docker compose up`; adding
# what is already there changes nothing. ACLs are only ever added: revoke by hand (kafka-acls.sh --remove).
#
#   kafka-init.sh              the services and the operator; refused with a bot token where a sandbox ran
#   kafka-init.sh sandbox-bot  the sandbox's bot (compose's sandbox-init), refused beside a real bot token
#
# Passwords come from the files compose mounts under /run/secrets, never from the environment.
set -euo pipefail
umask 077

BOOTSTRAP=127.0.0.1:9091
SECRETS=/run/secrets
# Short-lived tools: start fast rather than run fast.
export KAFKA_HEAP_OPTS="-Xmx128m" KAFKA_JVM_PERFORMANCE_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"

declare -A SECRET_FILES=(
    [verification-service]=kafka-verification-password
    [gateway-service]=kafka-gateway-password
    [telegram-service]=kafka-telegram-password
    [operator]=kafka-operator-password
    [sandbox-bot]=kafka-sandbox-bot-password
)
if [ "${1:-}" = sandbox-bot ]; then
    USERS=(sandbox-bot)
else
    USERS=(verification-service gateway-service telegram-service operator)
fi

# A real bot and the sandbox never share a deployment: the sandbox's web chat lets anyone attest any number.
bot_token_set() {
    [ -s "$SECRETS/telegram-bot-token" ]
}
if [ "${USERS[*]}" = sandbox-bot ] && bot_token_set; then
    echo "sandbox-init: the sandbox refuses to run beside a real bot: telegram-bot-token is not empty." \
        "Run the sandbox on a deployment of its own (another project name, its own volumes)." >&2
    exit 1
fi

# Nor does a real bot inherit a sandbox's data: anyone could attest any number in its web chat, and those bindings
# are in this deployment's database. The sandbox's principal exists where a sandbox ran on these volumes.
if [ "${USERS[*]}" != sandbox-bot ] && bot_token_set; then
    sandbox_credential=$(/opt/kafka/bin/kafka-configs.sh --bootstrap-server "$BOOTSTRAP" --describe --entity-type users \
        --entity-name sandbox-bot)
    if [[ "$sandbox_credential" == *SCRAM-SHA-512* ]]; then
        echo "kafka-init: a real bot refuses to start where a sandbox ran: its database holds numbers anyone could" \
            "attest in the web chat. Start from empty volumes (docker compose --profile sandbox down -v)." >&2
        exit 1
    fi
fi

# Checked before anything changes, so that one message names every missing or unusable password.
invalid=()
declare -A PASSWORDS=()
for user in "${USERS[@]}"; do
    file="$SECRETS/${SECRET_FILES[$user]}"
    PASSWORDS[$user]="$( [ -r "$file" ] && cat "$file" || true)"
    [[ "${PASSWORDS[$user]}" =~ ^[A-Za-z0-9_-]{16,}$ ]] || invalid+=("${SECRET_FILES[$user]}")
done
if [ ${#invalid[@]} -gt 0 ]; then
    echo "kafka-init: put ${invalid[*]} in the secrets folder (docs/operations.md, \"docker compose\"):" \
        "at least 16 letters, digits, '-' or '_' each (openssl rand -hex 24 makes one)." >&2
    exit 1
fi

# Each tool is a JVM that takes seconds to start: they run side by side, and the script waits for all.
pids=()
run() {
    "$@" >/dev/null &
    pids+=("$!")
}

# kafka-configs.sh takes a SCRAM credential only as an argument (--add-config-file renames the mechanism and
# refuses it). Its arguments go in a file that Java's launcher reads (java @file) instead of on its command line,
# where any user of the host could read them in the process list: the file is on this container's own tmpfs,
# readable by its user alone (umask 077), and deleted when the tool ends. What the tool writes to stderr (it
# echoes a credential it refuses) reaches the log with the password masked.
scram() { # user, password
    local arguments status=0
    arguments=$(mktemp)
    printf '%s --bootstrap-server %s --alter --entity-type users --entity-name %s --add-config %s\n' \
        kafka.admin.ConfigCommand "$BOOTSTRAP" "$1" "SCRAM-SHA-512=[iterations=8192,password=$2]" >"$arguments"
    /opt/kafka/bin/kafka-run-class.sh "@$arguments" 2> >(sed -E 's/password=[^],]*/password=(hidden)/g' >&2) \
        || status=$?
    rm -f "$arguments"
    return "$status"
}
for user in "${USERS[@]}"; do
    run scram "$user" "${PASSWORDS[$user]}"
done

allow() { # user, then kafka-acls.sh resource and operation arguments
    local user="$1"
    shift
    run /opt/kafka/bin/kafka-acls.sh --bootstrap-server "$BOOTSTRAP" --add --allow-principal "User:$user" "$@"
}
# The topics a service creates (with their partitions and retention, kept up to date by the service).
OWN=(--operation Create --operation DescribeConfigs --operation AlterConfigs)

# A bot (telegram-service, or the sandbox's): writes its commands, reads codes and its replies; its own updates,
# poller lock and delivery events; dead letters of what it consumes. chat.registrations and chat.verifications are
# the bot's alone (the contract's table); it still writes registration.requests and verification.requests, which
# the gateway shares, until it sends its commands on chat.* (issue 19, item 1).
bot() {
    allow "$1" --operation Write --topic chat.registrations --topic chat.verifications
    allow "$1" --operation Read --topic verification.codes \
        --group telegram-poller --group telegram-conversation --group telegram-code-delivery
    allow "$1" "${OWN[@]}" --operation Read \
        --topic telegram.poller --topic telegram.updates --topic telegram.registration.replies --topic telegram.verification.replies
    allow "$1" "${OWN[@]}" --operation Write \
        --topic telegram.updates --topic telegram.updates-dlt --topic verification.codes-dlt --topic code.deliveries
    allow "$1" --operation Read --resource-pattern-type prefixed \
        --group telegram.registration.replies --group telegram.verification.replies
}

if [ "${USERS[*]}" = sandbox-bot ]; then
    bot sandbox-bot
else
    # verification-service: reads the commands, writes codes, user events, replies and dead letters.
    allow verification-service "${OWN[@]}" --operation Read \
        --topic registration.requests --topic verification.requests --topic chat.registrations --topic chat.verifications
    allow verification-service "${OWN[@]}" --operation Write \
        --topic verification.codes --topic user.events --topic registration.requests-dlt --topic verification.requests-dlt \
        --topic chat.registrations-dlt --topic chat.verifications-dlt
    allow verification-service --operation Write \
        --topic gateway.registration.replies --topic gateway.verification.replies \
        --topic telegram.registration.replies --topic telegram.verification.replies
    allow verification-service --operation Read --resource-pattern-type prefixed --group verification-service.

    # gateway-service: writes the commands, reads its replies in a consumer group per instance.
    allow gateway-service --operation Write --topic registration.requests --topic verification.requests
    allow gateway-service "${OWN[@]}" --operation Read --topic gateway.registration.replies --topic gateway.verification.replies
    allow gateway-service --operation Read --resource-pattern-type prefixed \
        --group gateway.registration.replies --group gateway.verification.replies

    bot telegram-service

    # operator (the LMS, operators, the Kafka UI): the events meant for anyone, never a code.
    allow operator --operation Read --topic user.events --topic code.deliveries
fi

status=0
for pid in "${pids[@]}"; do
    wait "$pid" || status=1
done
[ "$status" = 0 ] || { echo "kafka-init: a kafka-configs.sh or kafka-acls.sh call failed" >&2; exit 1; }
echo "kafka-init: users ${USERS[*]} and their ACLs are in place"
