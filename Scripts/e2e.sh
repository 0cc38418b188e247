#!/usr/bin/env bash
# Runs the end-to-end tests (Examples/PubSubServer/Tests/e2e) against the example server over the
# wire. Builds nothing: build the server first, for example with
#   swift build -c release --package-path Examples/PubSubServer --product pubsub-server
#
# Environment (all optional):
#   PUBSUB_SERVER_CMD  command that starts the server; the tests append --host, --port and limit flags
#                      (default: Examples/PubSubServer/.build/release/pubsub-server)
#   STARTUP_TIMEOUT    seconds each server start may take to print `listening on` (default 180)
#   E2E_TIMEOUT        seconds the whole run may take (default 900)
# Extra arguments go to pytest (for example `-k stats -x`). A JUnit report goes to reports/e2e/.
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/common.sh

require_server_cmd e2e

status=0
run_pytest e2e "${E2E_TIMEOUT:-900}" Examples/PubSubServer/Tests/e2e "$@" || status=$?
exit "$status"
