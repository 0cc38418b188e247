#!/usr/bin/env bash
# Runs the Autobahn TestSuite fuzzing client against the example server's /echo endpoint (our server
# role), summarizes the report and fails if any case is not OK, NON-STRICT or INFORMATIONAL.
#
# Environment (all optional):
#   PUBSUB_SERVER_CMD   command that starts the server; `--host 127.0.0.1 --port N` is appended
#                       (default: swift run -c release --package-path Examples/PubSubServer pubsub-server)
#   AUTOBAHN_AGENT      agent name in the report (default swift-websocket-pubsub)
#   AUTOBAHN_CASES      JSON list of cases (default ["*"]); 12.* and 13.* (compression) are excluded
#                       unless AUTOBAHN_DEFLATE=1
#   AUTOBAHN_DEFLATE    1: start the server with --permessage-deflate, include 12.* and 13.*, and write
#                       to reports/server-deflate/
#   AUTOBAHN_SUMMARY    Markdown summary path (default reports/server/summary.md)
#   STARTUP_TIMEOUT     seconds to wait for `listening on` (default 180; includes a `swift run` build check)
#   RUN_TIMEOUT         seconds the whole fuzzing run may take (default 360)
# Reports go to reports/server/ (the server's output to reports/server/server.log).
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/common.sh

server_cmd=${PUBSUB_SERVER_CMD:-swift run -c release --package-path Examples/PubSubServer pubsub-server}
agent=${AUTOBAHN_AGENT:-swift-websocket-pubsub}
cases=${AUTOBAHN_CASES:-'["*"]'}
deflate=${AUTOBAHN_DEFLATE:-0}
report=server
deflate_flag=()
exclude='["12.*", "13.*"]'
if [[ $deflate == 1 ]]; then
    report=server-deflate
    deflate_flag=(--permessage-deflate)
    exclude='[]'
fi
outdir="$(pwd)/reports/$report"
summary=${AUTOBAHN_SUMMARY:-reports/$report/summary.md}
startup_timeout=${STARTUP_TIMEOUT:-180}
run_timeout=${RUN_TIMEOUT:-360}

wstest=$(Scripts/autobahn-venv.sh)

rm -rf "$outdir"
mkdir -p "$outdir"
work=$(mktemp -d)
trap 'stop_all_groups; rm -rf "$work"' EXIT

port=$(free_port)
echo "==> starting server: $server_cmd --host 127.0.0.1 --port $port"
# `exec` keeps the server's pid the group's pid; "$@" carries the appended flags unsplit.
start_group "$outdir/server.log" bash -c "exec $server_cmd \"\$@\"" pubsub-server --host 127.0.0.1 --port "$port" \
    ${deflate_flag[@]+"${deflate_flag[@]}"}
server_pid=$started_pid
wait_for_line "$outdir/server.log" "listening on" "$server_pid" "$startup_timeout"
echo "==> server is listening on 127.0.0.1:$port (pid $server_pid)"

cat >"$work/spec.json" <<JSON
{
  "options": {"failByDrop": false},
  "outdir": "$outdir",
  "servers": [{"agent": "$agent", "url": "ws://127.0.0.1:$port/echo"}],
  "cases": $cases,
  "exclude-cases": $exclude,
  "exclude-agent-cases": {}
}
JSON

echo "==> running wstest -m fuzzingclient (at most ${run_timeout}s)"
run_status=0
start_group "$outdir/wstest.log" timeout -k 10 "$run_timeout" "$wstest" -m fuzzingclient -s "$work/spec.json"
wait "$started_pid" || run_status=$?
server_alive=1
kill -0 "$server_pid" 2>/dev/null || server_alive=0

echo "==> stopping server"
stop_group "$server_pid" 10

if ((run_status != 0)); then
    echo "wstest exited with status $run_status (124: timed out after ${run_timeout}s); last lines:" >&2
    tail -n 20 "$outdir/wstest.log" >&2 || true
fi
if ((server_alive == 0)); then
    echo "the server exited during the run; last lines of its output:" >&2
    tail -n 30 "$outdir/server.log" >&2 || true
fi

summary_status=0
python3 Scripts/autobahn_summary.py "$outdir" --markdown "$summary" --title "Autobahn: server role ($agent${deflate_flag[@]+, ${deflate_flag[*]}})" \
    || summary_status=$?
[[ -f $summary ]] && echo "==> summary written to $summary"

if ((run_status != 0 || server_alive == 0 || summary_status != 0)); then
    exit 1
fi
