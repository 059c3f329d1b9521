#!/bin/bash
# Delivery benchmarks (issue #4), all on loopback, bounded and self-stopping:
# delivery -> EXISTS latency with 1,000 and with 10,000 sessions idle on
# random users, a burst to 1,000 / 2,000 distinct idle users, and LMTP
# deliveries per second. The server is restarted before each measurement
# so that its RSS is not flattered by memory freed in an earlier run.
# Usage: scripts/bench-delivery.sh [WORKDIR]   (default /tmp/dormouse-bench-delivery)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p dormouse -p dormouse-load
B=${CARGO_TARGET_DIR:-target}/release
W=${1:-/tmp/dormouse-bench-delivery}
rm -rf "$W"; mkdir -p "$W"
"$B/dormouse-load" users --count 20000 --out "$W/users.passwd" --data-dir "$W/data" > "$W/load.toml"
start() { "$B/dormouse" serve --config "$W/load.toml" > "$W/server.out" 2> "$W/server.err" & echo $! > "$W/pid"; sleep 1; }
stop() { kill "$(cat "$W/pid")"; wait "$(cat "$W/pid")" 2>/dev/null || true; }
trap 'stop 2>/dev/null || true' EXIT
start
# Warm-up: the first login of a user creates its Maildir.
"$B/dormouse-load" idle --users "$W/users.passwd" --sessions 10000 --deliveries 0 --burst 0 --wake-waves 0 --hold 0s > "$W/warmup.txt" 2>&1 || true
stop; start
"$B/dormouse-load" idle --users "$W/users.passwd" --sessions 1000 --deliveries 500 --burst 1000 --wake-waves 0 --server-pid "$(cat "$W/pid")" | tee "$W/run-1k.txt"
stop; start
"$B/dormouse-load" idle --users "$W/users.passwd" --sessions 10000 --deliveries 500 --burst 2000 --wake-waves 0 --server-pid "$(cat "$W/pid")" | tee "$W/run-10k.txt"
stop; start
"$B/dormouse-load" lmtp-rate --users "$W/users.passwd" --messages 2000 --connections 1 | tee "$W/lmtp-1.txt"
"$B/dormouse-load" lmtp-rate --users "$W/users.passwd" --messages 2000 --connections 4 | tee "$W/lmtp-4.txt"
"$B/dormouse-load" lmtp-rate --users "$W/users.passwd" --messages 4000 --connections 4 --rcpts-per-txn 50 | tee "$W/lmtp-4x50.txt"
