#!/usr/bin/env bash
# certs/make-cert.sh — makes the self-signed X.509 v3 certificate tinyhttps serves with.
#   deno task certs                       new RSA-2048 key + certificate in certs/
#   deno task certs --key keys/cnlab.prikey --from keys/cnlab.cert
#                                          keep an existing key and subject (the lab's v1
#                                          certificate), issue a v3 certificate for them
#   deno task certs --out DIR              write cert.pem / key.pem into DIR instead of certs/
# The certificate names localhost, 127.0.0.1, 10.0.0.1 (h1 in the lab's Mininet) and ::1 in its
# subjectAltName: clients match the host against SAN, not against the Common Name (RFC 9525,
# which replaced RFC 6125 and no longer lets a client fall back on the CN at all).
# Deno's TLS (rustls) accepts only version 3 certificates; `-x509` with `-addext` makes one.
set -euo pipefail
dir="$(cd "$(dirname "$0")" && pwd)"
out="$dir" key="" from="" days=3650 subject="/CN=localhost/O=tinyhttps" names=""
while [ $# -gt 0 ]; do
  case "$1" in
    --key) key="$2"; shift 2 ;;
    --from) from="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --days) days="$2"; shift 2 ;;
    --subject) subject="$2"; shift 2 ;;
    *) echo "usage: deno task certs [--key EXISTING.key] [--from OLD.cert] [--out DIR] [--days N] [--subject /CN=..]" >&2; exit 2 ;;
  esac
done
command -v openssl >/dev/null || { echo "certs: openssl is needed (apt-get install openssl)" >&2; exit 1; }
if [ -n "$from" ]; then
  # Keep the old certificate's subject, and its Common Name as one more DNS name in the SAN.
  subject=$(openssl x509 -in "$from" -noout -subject -nameopt compat | sed 's/^subject=//')
  cn=$(sed -n 's#.*/CN=\([^/]*\).*#\1#p' <<<"$subject")
  [ -n "$cn" ] && [ "$cn" != localhost ] && names=",DNS:$cn"
fi
mkdir -p "$out"
if [ -n "$key" ]; then
  openssl pkey -in "$key" -out "$out/key.pem"
else
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$out/key.pem" 2>/dev/null
fi
openssl req -new -x509 -key "$out/key.pem" -out "$out/cert.pem" -days "$days" -subj "$subject" \
  -addext "subjectAltName=DNS:localhost$names,IP:127.0.0.1,IP:10.0.0.1,IP:::1" \
  -addext "basicConstraints=critical,CA:FALSE" \
  -addext "keyUsage=critical,digitalSignature,keyEncipherment" \
  -addext "extendedKeyUsage=serverAuth"
echo "certs: wrote $out/cert.pem and $out/key.pem"
openssl x509 -in "$out/cert.pem" -noout -subject -enddate -ext subjectAltName | sed 's/^/certs:   /'
