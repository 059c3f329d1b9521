#!/bin/bash
# Hibernation benchmarks (issue #5), all on loopback, bounded and
# self-stopping. For N idle sessions (one per user, LOGIN + SELECT + IDLE)
# it measures the server's RSS per session once they are hibernated
# (hold > hibernate_after), delivery -> EXISTS to hibernated sessions, a
# burst to distinct hibernated users, and wake latency (DONE -> OK), and the
# same at the largest N with hibernation effectively off (baseline, same
# invocation). A fresh server per run, so earlier runs' freed memory does
# not flatter the figures.
# Usage: scripts/bench-hibernate.sh [WORKDIR] [N...]   (default N: 1000 5000 10000 19000)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p dormouse -p dormouse-load
B=${CARGO_TARGET_DIR:-target}/release
W=${1:-/tmp/dormouse-bench-hibernate}
shift || true
COUNTS=("${@:-1000 5000 10000 19000}")
read -r -a COUNTS <<< "${COUNTS[*]}"
rm -rf "$W"; mkdir -p "$W"
"$B/dormouse-load" users --count 19000 --out "$W/users.passwd" --data-dir "$W/data" > "$W/base.toml"
config() { # $1 = hibernate_after
    cp "$W/base.toml" "$W/load.toml"
    printf '\n[timeouts]\nhibernate_after = "%s"\n' "$1" >> "$W/load.toml"
}
start() { "$B/dormouse" serve --config "$W/load.toml" > "$W/server.out" 2> "$W/server.err" & echo $! > "$W/pid"; sleep 1; }
stop() { kill "$(cat "$W/pid")"; wait "$(cat "$W/pid")" 2>/dev/null || true; }
trap 'stop 2>/dev/null || true' EXIT
config 5s
start
# Warm-up: the first login of a user creates its Maildir.
"$B/dormouse-load" idle --users "$W/users.passwd" --sessions 19000 --deliveries 0 --burst 0 --wake-waves 0 --hold 0s > "$W/warmup.txt" 2>&1 || true
stop
run() { # $1 = label, $2 = sessions, $3 = burst
    start
    "$B/dormouse-load" idle --users "$W/users.passwd" --sessions "$2" --hold 15s \
        --deliveries 500 --burst "$3" --wake-waves 3 --wake-percent 10 \
        --server-pid "$(cat "$W/pid")" --json "$W/$1.json" | tee "$W/$1.txt"
    echo "server log: $(grep -c ' WARN \| ERROR ' "$W/server.err" || true) warnings/errors" | tee -a "$W/$1.txt"
    stop
}
for n in "${COUNTS[@]}"; do
    burst=$(( n < 2000 ? n : 2000 ))
    (( n >= 8000 )) && burst=8000
    config 5s; run "hibernated-$n" "$n" "$burst"
done
last=${COUNTS[-1]}
burst=$(( last < 2000 ? last : 2000 )); (( last >= 8000 )) && burst=8000
config 24h; run "awake-$last" "$last" "$burst"
