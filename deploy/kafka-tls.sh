#!/usr/bin/env bash
# compose.yaml's kafka-tls: at the first start (empty volumes), a certificate authority of this deployment's own
# and the broker's key and certificate signed by it, so that the clients' listeners speak SASL_SSL. Later starts
# find them and change nothing. The CA's private key is deleted once it has signed: nobody, on this machine or
# off it, can make another certificate the services would trust. `docker compose down -v` starts over.
#
#   /tls/ca/ca.crt                  the CA's certificate, what every client trusts (mounted read-only)
#   /tls/broker/broker.pem          the broker's key (PKCS#8, encrypted) and certificate chain, its own only
#   /tls/broker/broker.key-password what decrypts that key: Kafka reads a PEM key file only when encrypted
set -euo pipefail
umask 077

CA=/tls/ca
BROKER=/tls/broker
if [ -s "$CA/ca.crt" ] && [ -s "$BROKER/broker.pem" ]; then
    echo "kafka-tls: the CA and the broker's certificate are already there"
    exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
days=3650
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc -days "$days" \
    -subj "/CN=lms-registration Kafka CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$work/ca.key" -out "$work/ca.crt" 2>/dev/null
# The names the clients reach the broker by: kafka inside compose's network, localhost from the host.
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc -subj "/CN=kafka" \
    -keyout "$work/broker.key" -out "$work/broker.csr" 2>/dev/null
printf 'subjectAltName=DNS:kafka,DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n' \
    >"$work/broker.ext"
openssl x509 -req -in "$work/broker.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -days "$days" \
    -extfile "$work/broker.ext" -out "$work/broker.crt" 2>/dev/null
openssl rand -hex 32 >"$work/broker.key-password"
openssl pkcs8 -topk8 -v2 aes-256-cbc -in "$work/broker.key" -passout "file:$work/broker.key-password" \
    -out "$work/broker.key.enc"
cat "$work/broker.key.enc" "$work/broker.crt" "$work/ca.crt" >"$work/broker.pem"

# The broker runs as uid 1000 (appuser); the clients, as other users, read the CA's certificate only. Modes before
# owners: this container may change owners (CAP_CHOWN) but not the modes of files it does not own.
cp "$work/broker.pem" "$work/broker.key-password" "$BROKER/"
chmod 0400 "$BROKER/broker.pem" "$BROKER/broker.key-password"
chown 1000 "$BROKER/broker.pem" "$BROKER/broker.key-password"
cp "$work/ca.crt" "$CA/"
chmod 0444 "$CA/ca.crt"
echo "kafka-tls: made a CA and the broker's certificate, valid $days days"
