#!/usr/bin/env bash
# Load benchmarks for hookctl, on loopback only.
#
#   a) client side: `hookctl send` against a bare axum server, compared with oha sending the
#      same body to the same server (how close is hookctl to a dedicated load generator?);
#   b) server side: oha against `hookctl listen --save`, compared with oha against the bare
#      server (what do validation and capture cost?), and a check that the capture file holds
#      exactly one line per 2xx answer.
#
# Usage: bash benches/load.sh
# Environment:
#   N       requests per measured run          (default 20000)
#   C       concurrent connections             (default 16)
#   WARMUP  requests in each warm-up run        (default 1000)
#   OHA     the oha binary                      (default: oha on PATH, else ~/.cargo/bin/oha)
#
# The report goes to stdout; build output and progress go to stderr.
# Exit status: 0 on success, 1 if a run fails or the capture check finds a mismatch.

set -euo pipefail

N="${N:-20000}"
C="${C:-16}"
WARMUP="${WARMUP:-1000}"

for var in N C WARMUP; do
    if ! [[ "${!var}" =~ ^[1-9][0-9]*$ ]]; then
        echo "load.sh: $var must be a positive integer, got '${!var}'" >&2
        exit 2
    fi
done

if [[ -n "${OHA:-}" ]]; then
    :
elif command -v oha >/dev/null 2>&1; then
    OHA="$(command -v oha)"
elif [[ -x "$HOME/.cargo/bin/oha" ]]; then
    OHA="$HOME/.cargo/bin/oha"
else
    echo "load.sh: oha not found (install it with 'cargo install oha' or set OHA)" >&2
    exit 2
fi
command -v python3 >/dev/null 2>&1 || { echo "load.sh: python3 is required" >&2; exit 2; }

cd "$(dirname "${BASH_SOURCE[0]}")/.."
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
HOOKCTL="$TARGET_DIR/release/hookctl"
BARE="$TARGET_DIR/release/examples/bare_server"

# ---------------------------------------------------------------- cleanup

WORK="$(mktemp -d "${TMPDIR:-/tmp}/hookctl-bench.XXXXXX")"
PIDS=()

# Stop every background process still running (SIGTERM, up to 5 s, then SIGKILL) and remove
# the scratch directory.
cleanup() {
    local pid i alive
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for ((i = 0; i < 50; i++)); do
        alive=0
        for pid in "${PIDS[@]}"; do
            kill -0 "$pid" 2>/dev/null && alive=1
        done
        (( alive )) || break
        sleep 0.1
    done
    for pid in "${PIDS[@]}"; do
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log() { echo "load.sh: $*" >&2; }
die() { echo "load.sh: error: $*" >&2; exit 1; }

# ---------------------------------------------------------------- build

log "building release binary and bare_server example"
cargo build --release --bin hookctl
cargo build --release --example bare_server
[[ -x "$HOOKCTL" ]] || die "$HOOKCTL was not built"
[[ -x "$BARE" ]] || die "$BARE was not built"

BODY="$WORK/handoff-create.json"
"$HOOKCTL" show handoff-create --compact > "$BODY"
BODY_BYTES="$(wc -c < "$BODY" | tr -d ' ')"
OHA_VERSION="$("$OHA" --version 2>/dev/null | head -n 1)"

# ---------------------------------------------------------------- helpers

# Remove a pid from the list the exit trap cleans up.
forget_pid() {
    local gone="$1" kept=() pid
    for pid in "${PIDS[@]}"; do
        [[ "$pid" == "$gone" ]] || kept+=("$pid")
    done
    PIDS=("${kept[@]}")
}

# Run a command in the background and wait for it. Bash holds back traps while a foreground
# command runs; waiting this way lets a signal sent to the script stop it at once, and the exit
# trap then stops the command too.
run_waited() {
    local pid rc=0
    "$@" &
    pid=$!
    PIDS+=("$pid")
    wait "$pid" || rc=$?
    forget_pid "$pid"
    return "$rc"
}

# Stop a background server: SIGTERM, then up to 10 s for it to exit, then SIGKILL.
stop_server() {
    local pid="$1" i
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "process $pid ignored SIGTERM for 10 s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
    forget_pid "$pid"
}

# A port that is free right now on 127.0.0.1.
free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# Wait (at most 10 s) until something accepts TCP connections on 127.0.0.1:PORT, giving up
# early if the process PID has exited. A bare connect sends no HTTP request, so a listener
# records nothing for it.
wait_port() {
    local port="$1" pid="$2" i
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || return 1
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

# Start bare_server on a free port; sets BARE_PID and BARE_URL.
start_bare() {
    local out="$WORK/bare.out" i
    : > "$out"
    "$BARE" 0 > "$out" 2> "$WORK/bare.err" &
    BARE_PID=$!
    PIDS+=("$BARE_PID")
    BARE_URL=""
    for ((i = 0; i < 100; i++)); do
        if grep -q '^listening on ' "$out"; then
            BARE_URL="$(sed -n 's/^listening on //p' "$out" | head -n 1)"
            break
        fi
        kill -0 "$BARE_PID" 2>/dev/null || break
        sleep 0.1
    done
    [[ -n "$BARE_URL" ]] || { cat "$WORK/bare.err" >&2; die "bare_server did not start"; }
    BARE_URL="$BARE_URL/hook"
}

# Run oha: run_oha REQUESTS URL OUTFILE (JSON report in OUTFILE).
run_oha() {
    run_waited "$OHA" -n "$1" -c "$C" --no-tui -m POST \
        -H 'content-type: application/json' -D "$BODY" \
        --output-format json "$2" > "$3" \
        || die "oha failed against $2"
}

# Print "RPS P50_MS P99_MS COUNT_2XX OTHER" from an oha JSON report, where OTHER counts
# non-2xx answers plus transport errors.
oha_numbers() {
    python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
rps = r.get("summary", {}).get("requestsPerSec") or 0.0
lat = r.get("latencyPercentiles", {})
def ms(key):
    v = lat.get(key)
    return "n/a" if v is None else "%.2f" % (v * 1000)
codes = r.get("statusCodeDistribution", {}) or {}
ok = sum(n for code, n in codes.items() if str(code).startswith("2"))
other = sum(n for code, n in codes.items() if not str(code).startswith("2"))
other += sum((r.get("errorDistribution", {}) or {}).values())
print("%.0f %s %s %d %d" % (rps, ms("p50"), ms("p99"), ok, other))
PY
}

# Print "RPS P50_MS P99_MS PASSED FAILED" from a `hookctl send -o json` summary, where FAILED
# counts contract failures plus transport errors.
send_numbers() {
    python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
lat = r.get("latency", {}) or {}
def ms(key):
    v = lat.get(key)
    return "n/a" if v is None else "%.2f" % v
failed = r.get("contract_failures", 0) + r.get("transport_errors", 0)
print("%.0f %s %s %d %d" % (r.get("requests_per_second", 0.0), ms("p50_ms"), ms("p99_ms"),
                            r.get("passed", 0), failed))
PY
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

row() { printf '  %-16s %8s req/s   p50 %6s ms   p99 %6s ms\n' "$@"; }

WARNINGS=()

# ---------------------------------------------------------------- a) send vs oha

start_bare
log "bare_server at $BARE_URL"

log "a) warm-up: oha and hookctl send, $WARMUP requests each"
run_oha "$WARMUP" "$BARE_URL" "$WORK/oha-warmup.json"
run_waited "$HOOKCTL" send handoff-create --count "$WARMUP" -c "$C" --url "$BARE_URL" -o json \
    > "$WORK/send-warmup.json" || die "hookctl send (warm-up) failed"

log "a) oha, $N requests"
run_oha "$N" "$BARE_URL" "$WORK/oha-bare-a.json"
read -r A_OHA_RPS A_OHA_P50 A_OHA_P99 A_OHA_OK A_OHA_OTHER < <(oha_numbers "$WORK/oha-bare-a.json")

log "a) hookctl send, $N requests"
run_waited "$HOOKCTL" send handoff-create --count "$N" -c "$C" --url "$BARE_URL" -o json \
    > "$WORK/send.json" || die "hookctl send failed (summary: $(cat "$WORK/send.json"))"
read -r A_SEND_RPS A_SEND_P50 A_SEND_P99 A_SEND_PASSED A_SEND_FAILED < <(send_numbers "$WORK/send.json")

(( A_OHA_OK == N )) || WARNINGS+=("a) oha got $A_OHA_OK 2xx of $N ($A_OHA_OTHER other)")
(( A_SEND_PASSED == N )) || WARNINGS+=("a) hookctl send passed $A_SEND_PASSED of $N ($A_SEND_FAILED failed)")

# ---------------------------------------------------------------- b) listen --save vs bare

log "b) oha against bare_server, $N requests"
run_oha "$N" "$BARE_URL" "$WORK/oha-bare-b.json"
read -r B_BARE_RPS B_BARE_P50 B_BARE_P99 B_BARE_OK B_BARE_OTHER < <(oha_numbers "$WORK/oha-bare-b.json")
(( B_BARE_OK == N )) || WARNINGS+=("b) bare_server answered $B_BARE_OK 2xx of $N ($B_BARE_OTHER other)")
stop_server "$BARE_PID"

# A fresh listener and capture file, with no warm-up, so every line in the capture file
# comes from the measured run.
CAPFILE="$WORK/capture.jsonl"
LISTEN_PORT="$(free_port)"
"$HOOKCTL" listen --port "$LISTEN_PORT" --save "$CAPFILE" > /dev/null 2> "$WORK/listen.err" &
LISTEN_PID=$!
PIDS+=("$LISTEN_PID")
wait_port "$LISTEN_PORT" "$LISTEN_PID" \
    || { cat "$WORK/listen.err" >&2; die "hookctl listen did not start on port $LISTEN_PORT"; }
LISTEN_URL="http://127.0.0.1:$LISTEN_PORT/hook"

log "b) oha against hookctl listen --save, $N requests"
run_oha "$N" "$LISTEN_URL" "$WORK/oha-listen.json"
read -r B_LISTEN_RPS B_LISTEN_P50 B_LISTEN_P99 B_LISTEN_OK B_LISTEN_OTHER < <(oha_numbers "$WORK/oha-listen.json")
stop_server "$LISTEN_PID"

CAP_LINES=0
[[ -f "$CAPFILE" ]] && CAP_LINES="$(wc -l < "$CAPFILE" | tr -d ' ')"
if (( CAP_LINES == B_LISTEN_OK )); then CAPTURE_VERDICT="OK"; else CAPTURE_VERDICT="MISMATCH"; fi
(( B_LISTEN_OK == N )) || WARNINGS+=("b) hookctl listen answered $B_LISTEN_OK 2xx of $N ($B_LISTEN_OTHER other)")

# ---------------------------------------------------------------- report

echo "hookctl load benchmark: N=$N requests, C=$C connections, handoff-create body of $BODY_BYTES bytes"
echo "load generator: $OHA_VERSION; warm-up: $WARMUP requests before each run in a)"
echo
echo "a) client: hookctl send vs oha, both against bare_server"
row "oha" "$A_OHA_RPS" "$A_OHA_P50" "$A_OHA_P99"
row "hookctl send" "$A_SEND_RPS" "$A_SEND_P50" "$A_SEND_P99"
echo "  ratio hookctl/oha: $(ratio "$A_SEND_RPS" "$A_OHA_RPS")"
echo
echo "b) server: hookctl listen --save vs bare_server, both loaded by oha"
row "bare_server" "$B_BARE_RPS" "$B_BARE_P50" "$B_BARE_P99"
row "listen --save" "$B_LISTEN_RPS" "$B_LISTEN_P50" "$B_LISTEN_P99"
echo "  ratio listen/bare: $(ratio "$B_LISTEN_RPS" "$B_BARE_RPS")"
echo "  capture check: $CAP_LINES lines in capture file, $B_LISTEN_OK 2xx answers seen by oha: $CAPTURE_VERDICT"

if (( ${#WARNINGS[@]} > 0 )); then
    echo
    for w in "${WARNINGS[@]}"; do
        echo "warning: $w"
    done
fi

[[ "$CAPTURE_VERDICT" == "OK" ]] || exit 1
