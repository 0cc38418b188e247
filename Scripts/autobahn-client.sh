#!/usr/bin/env bash
# Runs the Autobahn TestSuite fuzzing server and our Autobahn client against it (our client role),
# summarizes the report and fails if any case is not OK, NON-STRICT or INFORMATIONAL.
#
# Environment (all optional):
#   AUTOBAHN_CLIENT_CMD  command that runs the client; `--url ws://127.0.0.1:N --agent NAME` is appended
#                        (default: swift run -c release --package-path Examples/PubSubServer autobahn-client)
#   AUTOBAHN_AGENT       agent name (default swift-websocket-pubsub)
#   AUTOBAHN_PORT        fuzzing server port (default 9001, or a free one if 9001 is taken)
#   AUTOBAHN_CASES       JSON list of cases (default ["*"]); 12.* and 13.* (compression) are excluded
#                        unless AUTOBAHN_DEFLATE=1
#   AUTOBAHN_DEFLATE     1: run the client with --permessage-deflate, include 12.* and 13.*, and write
#                        to reports/client-deflate/
#   AUTOBAHN_SUMMARY     Markdown summary path (default reports/client/summary.md)
#   STARTUP_TIMEOUT      seconds to wait for the fuzzing server to listen (default 60)
#   RUN_TIMEOUT          seconds the client may take, including a `swift run` build check (default 420)
# Reports go to reports/client/ (the outputs to reports/client/fuzzingserver.log and client.log).
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/common.sh

client_cmd=${AUTOBAHN_CLIENT_CMD:-swift run -c release --package-path Examples/PubSubServer autobahn-client}
agent=${AUTOBAHN_AGENT:-swift-websocket-pubsub}
cases=${AUTOBAHN_CASES:-'["*"]'}
deflate=${AUTOBAHN_DEFLATE:-0}
report=client
deflate_flag=()
exclude='["12.*", "13.*"]'
if [[ $deflate == 1 ]]; then
    report=client-deflate
    deflate_flag=(--permessage-deflate)
    exclude='[]'
fi
outdir="$(pwd)/reports/$report"
summary=${AUTOBAHN_SUMMARY:-reports/$report/summary.md}
startup_timeout=${STARTUP_TIMEOUT:-60}
run_timeout=${RUN_TIMEOUT:-420}

port=${AUTOBAHN_PORT:-9001}
if ! port_free "$port"; then
    taken=$port
    port=$(free_port)
    echo "==> port $taken is taken, using $port"
fi

wstest=$(Scripts/autobahn-venv.sh)

rm -rf "$outdir"
mkdir -p "$outdir"
work=$(mktemp -d)
trap 'stop_all_groups; rm -rf "$work"' EXIT

cat >"$work/spec.json" <<JSON
{
  "url": "ws://127.0.0.1:$port",
  "options": {"failByDrop": false},
  "outdir": "$outdir",
  "cases": $cases,
  "exclude-cases": $exclude,
  "exclude-agent-cases": {}
}
JSON

echo "==> starting wstest -m fuzzingserver on 127.0.0.1:$port"
# -u 0: no separate web server for the reports (it would take port 8080).
start_group "$outdir/fuzzingserver.log" timeout -k 10 "$((startup_timeout + run_timeout + 30))" \
    "$wstest" -m fuzzingserver -s "$work/spec.json" -u 0
fuzzer_pid=$started_pid
wait_for_port "$port" "$fuzzer_pid" "$startup_timeout"
echo "==> fuzzing server is listening (pid $fuzzer_pid)"

echo "==> running client: $client_cmd --url ws://127.0.0.1:$port --agent $agent (at most ${run_timeout}s)"
client_status=0
start_group "$outdir/client.log" timeout -k 10 "$run_timeout" \
    bash -c "exec $client_cmd \"\$@\"" autobahn-client --url "ws://127.0.0.1:$port" --agent "$agent" \
    ${deflate_flag[@]+"${deflate_flag[@]}"}
wait "$started_pid" || client_status=$?

echo "==> stopping fuzzing server"
stop_group "$fuzzer_pid" 10

if ((client_status != 0)); then
    echo "the client exited with status $client_status (124: timed out after ${run_timeout}s); last lines:" >&2
    tail -n 30 "$outdir/client.log" >&2 || true
fi

summary_status=0
python3 Scripts/autobahn_summary.py "$outdir" --markdown "$summary" --title "Autobahn: client role ($agent${deflate_flag[@]+, ${deflate_flag[*]}})" \
    || summary_status=$?
[[ -f $summary ]] && echo "==> summary written to $summary"

if ((client_status != 0 || summary_status != 0)); then
    exit 1
fi
