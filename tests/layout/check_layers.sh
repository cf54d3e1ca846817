#!/usr/bin/env bash
# The layer rules of docs/architecture.md, checked on every #include of every
# source file: each layer may include the ones inward of it, never the reverse,
# and no adapter includes another adapter. Prints each offending line as
# file:line: what, and fails if there is one. Run from the repository root.
set -uo pipefail
cd "$(dirname "$0")/../.."

heavy='^(caf|rocksdb|librdkafka|boost|re|rem|sodium)/|^(rdkafka|re|rem|sodium)\.h$'
bad=0

# check FILES... -- ALLOWED_PROJECT_REGEX FORBIDDEN_SYSTEM_REGEX
check() {
  local allowed=$1 forbidden=$2
  shift 2
  local f line
  for f in "$@"; do
    while IFS= read -r line; do
      local n=${line%%:*} inc=${line#*:}
      if [[ $inc =~ ^#include\ \"([^\"]+)\" ]]; then
        local path=${BASH_REMATCH[1]}
        if ! [[ $path =~ $allowed ]]; then
          echo "$f:$n: includes \"$path\", which its layer may not use"
          bad=1
        fi
      elif [[ -n $forbidden && $inc =~ ^#include\ \<([^\>]+)\> ]]; then
        local path=${BASH_REMATCH[1]}
        if [[ $path =~ $forbidden ]]; then
          echo "$f:$n: includes <$path>, a library its layer may not use"
          bad=1
        fi
      fi
    done < <(grep -n '^#include' "$f")
  done
}

sources() { find "$@" \( -name '*.cpp' -o -name '*.hpp' \) 2>/dev/null | sort; }

# The domain: pure, no I/O library (OpenSSL's hashing and signatures are pure
# computation: the audit chain uses them).
check '^events/' "$heavy" $(sources events)
check '^(events|projections)/' "$heavy" $(sources projections)
check '^(events|projections|config)/' "$heavy" $(sources config)
# Ports: interfaces and in-memory fakes over the domain.
check '^(events|actors/ports)/' "$heavy" $(sources actors/ports)
# Actors: CAF around the deciders; they see the world only through ports.
check '^(events|projections|actors)/' '^(rocksdb|librdkafka|boost|re|rem|openssl|sodium)/|^(rdkafka|re|rem|sodium)\.h$' \
  $(find actors -maxdepth 1 \( -name '*.cpp' -o -name '*.hpp' \) | sort)
# Adapters: each may use the domain, the ports, the shared plumbing (the log;
# RocksDB's directories and log lines; the outgoing HTTP client) and its own folder; never another
# adapter. drivers/sim (simulated traffic) and drivers/api (the HTTP/WebSocket
# API) drive the actors.
shared='drivers/log|drivers/rocksdb|drivers/http_client'
for adapter in $(find drivers -mindepth 1 -maxdepth 1 -type d ! -name cli | sort); do
  allowed="^(events|projections|config|actors/ports|${shared}|${adapter})/"
  [[ $adapter == drivers/sim || $adapter == drivers/api ]] &&
    allowed="^(events|projections|config|actors|${shared}|${adapter})/"
  check "$allowed" '' $(sources "$adapter")
done
check '^(events|config|drivers/time_zone\.hpp)' '' $(find drivers -maxdepth 1 \( -name '*.cpp' -o -name '*.hpp' \) | sort)
# drivers/cli and bench/ are the composition root: they may include anything.

# libre and librem (SIP, SDP, RTP) stay inside the SIP adapter's .cpp files:
# its header, and every other file, sees the telephony port only.
while IFS= read -r hit; do
  [[ -z $hit ]] && continue
  echo "${hit%%:#*}: includes libre/librem outside drivers/sip/*.cpp"
  bad=1
done < <(grep -rnE '^#include <(re|rem)(_[a-z0-9]+)?\.h>' actors events projections config drivers bench tests \
           --include='*.cpp' --include='*.hpp' | grep -vE '^drivers/sip/[^/]+\.cpp:')

# An actor file stays readable: past 600 lines, split it by concern as the
# call and queue actors are (actors/call_actor_state.hpp).
for f in $(find actors -name '*.cpp' | sort); do
  n=$(wc -l < "$f")
  if (( n > 600 )); then
    echo "$f: $n lines; split the actor by concern (at most 600 lines a file)"
    bad=1
  fi
done

if [[ $bad != 0 ]]; then
  echo "see docs/architecture.md for what each layer may include"
  exit 1
fi
echo "every #include follows the layer rules of docs/architecture.md"
