#!/usr/bin/env bash
# Development certificates for sealdeskd tests and `make run`, with the openssl CLI:
#   gen_certs.sh DIR  ->  DIR/ca.pem ca.key (dev CA), server.pem server.key (SAN 127.0.0.1,
#   ::1, localhost; serverAuth), client.pem client.key (CN=sealdesk-test-client; clientAuth),
#   peer.pem peer.key (SAN as server; serverAuth + clientAuth: etcd members and cluster nodes,
#   which are both ends of their connections).
# ECDSA P-256 keys, mode 0600. Never use these outside a developer machine.
set -euo pipefail
D=${1:?usage: gen_certs.sh DIR}
mkdir -p "$D"
umask 077
cd "$D"

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

key ca.key
openssl req -x509 -new -key ca.key -sha256 -days 30 -subj "/CN=sealdesk dev CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out ca.pem 2>/dev/null

sign() { # sign NAME SUBJECT EXTFILE
  key "$1.key"
  openssl req -new -key "$1.key" -subj "$2" -out "$1.csr" 2>/dev/null
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -sha256 \
    -extfile "$3" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr" "$3"
}

cat > server.ext <<'X'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost
X
sign server "/CN=localhost" server.ext

cat > client.ext <<'X'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
X
sign client "/O=sealdesk/CN=sealdesk-test-client" client.ext

cat > peer.ext <<'X'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost
X
sign peer "/O=sealdesk/CN=sealdesk-test-peer" peer.ext

rm -f ca.srl
chmod 600 ./*.key
chmod 644 ./*.pem
