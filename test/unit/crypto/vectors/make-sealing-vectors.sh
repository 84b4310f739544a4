#!/usr/bin/env bash
# Known answers for the master key sealed in the config on Linux and macOS (docs/server-formats.md, "Key protection"),
# made by the OpenSSL CLI rather than by this project's code: AES-256-CBC, PKCS#7, over the master key as a JSON
# string (base64 with its quotes), stored as plain base64. One machine-id source (key = the 32 ASCII characters,
# IV = ASCII "743677397A244326") and one machinekey source (base64(key).base64(iv)).
# Keys, IVs and master keys come from SHA-256 of fixed labels, so running this again writes the same file.
# Needs bash, openssl, xxd, base64 (coreutils) and jq.
set -euo pipefail
cd "$(dirname "$0")"

hex_of_label() { printf '%s' "$1" | openssl dgst -sha256 -hex | awk '{print $NF}'; }
base64_of_hex() { printf '%s' "$1" | xxd -r -p | base64 -w0; }
hex_of_text() { printf '%s' "$1" | xxd -p | tr -d '\n'; }

# A machine id as systemd writes it: 32 lower-case hex digits and a newline.
machine_id=$(hex_of_label 'machine id')
machine_id=${machine_id:0:32}
machine_key=$(hex_of_label 'machinekey key')
machine_iv=$(hex_of_label 'machinekey iv')
machine_iv=${machine_iv:0:32}

for source in machine-id machinekey; do
  if [ "$source" = machine-id ]; then
    key=$(hex_of_text "$machine_id")
    iv=$(hex_of_text '743677397A244326')
    file=$(printf '%s\\n' "$machine_id")
  else
    key=$machine_key
    iv=$machine_iv
    file="$(base64_of_hex "$machine_key").$(base64_of_hex "$machine_iv")"
  fi
  for bytes in 16 32; do
    master_key=$(hex_of_label "master key $source $bytes")
    master_key=$(base64_of_hex "${master_key:0:$((bytes * 2))}")
    sealed=$(printf '"%s"' "$master_key" | openssl enc -aes-256-cbc -K "$key" -iv "$iv" | base64 -w0)
    jq -n --arg source "$source" --arg file "$file" --arg masterKey "$master_key" --arg sealed "$sealed" \
      '{source: $source, file: ($file | gsub("\\\\n"; "\n")), masterKey: $masterKey, sealed: $sealed}'
  done
done | jq -s '.' > machine-key-sealing.json
