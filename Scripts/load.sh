#!/usr/bin/env bash
# Runs the load tests (Examples/PubSubServer/Tests/load) against the example server over loopback:
# thousands of connections in overlapping waves with every kind of disconnect, then slow readers
# beside fast ones. Builds nothing: build the server first, for example with
#   swift build -c release --package-path Examples/PubSubServer --product pubsub-server
#
# Environment (all optional):
#   PUBSUB_SERVER_CMD      command that starts the server; the tests append --host, --port and limit
#                          flags (default: Examples/PubSubServer/.build/release/pubsub-server)
#   STARTUP_TIMEOUT        seconds each server start may take to print `listening on` (default 180)
#   LOAD_TIMEOUT           seconds the whole run may take (default 240)
#   LOAD_WAVES, LOAD_WAVE_CONNECTIONS, LOAD_PUBLISHES, LOAD_ENTITIES
#                          size of the churn test (defaults 3, 1500, 150, 50)
# Extra arguments go to pytest (for example `-k slow -x`). Each test prints its figures; a JUnit
# report goes to reports/load/. Exits non-zero when a test fails or the run takes too long.
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/common.sh

require_server_cmd load

status=0
# -s: the tests print their figures (connections, publishes, deliveries, memory, time).
run_pytest load "${LOAD_TIMEOUT:-240}" Examples/PubSubServer/Tests/load -s "$@" || status=$?
exit "$status"
