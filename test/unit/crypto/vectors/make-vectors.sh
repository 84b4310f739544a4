#!/usr/bin/env bash
# Known answers for sensitive values, made by the OpenSSL CLI rather than by this project's code:
# AES-128-CBC and AES-256-CBC, PKCS#7 padding, explicit key and IV, UTF-8 plaintexts.
# Keys and IVs come from SHA-256 of fixed labels, so running this again writes the same aes-cbc.json.
# Needs bash, openssl, xxd, base64 (coreutils) and jq.
set -euo pipefail
cd "$(dirname "$0")"

hex_of_label() { printf '%s' "$1" | openssl dgst -sha256 -hex | awk '{print $NF}'; }
base64_of_hex() { printf '%s' "$1" | xxd -r -p | base64 -w0; }

plaintexts=(
  ''                                          # empty: one block of padding only
  'a'
  '0123456789abcde'                           # 15 bytes: one byte of padding
  '0123456789abcdef'                          # exactly 16 bytes: a whole block of padding
  '0123456789abcdef0'                         # 17 bytes: two blocks
  'Grüße aus Zürich — 東京 🐙'                 # 2-, 3- and 4-byte UTF-8 sequences
  'p@ss|word with "quotes", \backslash and = signs'
  'The quick brown fox jumps over the lazy dog. The quick brown fox jumps over the lazy dog.'
)

for bits in 128 256; do
  key=$(hex_of_label "key $bits")
  key=${key:0:$((bits / 4))}
  for index in "${!plaintexts[@]}"; do
    plaintext=${plaintexts[$index]}
    iv=$(hex_of_label "iv $bits $index")
    iv=${iv:0:32}
    ciphertext=$(printf '%s' "$plaintext" | openssl enc "-aes-$bits-cbc" -K "$key" -iv "$iv" | base64 -w0)
    jq -n \
      --arg algorithm "aes-$bits-cbc" \
      --arg key "$(base64_of_hex "$key")" \
      --arg plaintext "$plaintext" \
      --arg ciphertext "$ciphertext" \
      --arg iv "$(base64_of_hex "$iv")" \
      '{algorithm: $algorithm, key: $key, plaintext: $plaintext, value: ($ciphertext + "|" + $iv)}'
  done
done | jq -s '.' > aes-cbc.json
