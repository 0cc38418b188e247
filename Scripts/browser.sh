#!/usr/bin/env bash
# Drives the example server's demo page (GET /demo) in headless Chromium: the tests in
# Examples/PubSubServer/Tests/browser, with Selenium and Debian's chromium-driver. Installs what is
# missing (Debian's chromium and chromium-driver through apt-get, selenium into the venv of
# Scripts/python-venv.sh), starts the server on a free port of 127.0.0.1 and stops it at the end.
# Builds nothing: build the server first, for example with
#   swift build -c release --package-path Examples/PubSubServer --product pubsub-server
#
# Environment (all optional):
#   PUBSUB_SERVER_CMD  command that starts the server; --host and --port are appended
#                      (default: Examples/PubSubServer/.build/release/pubsub-server)
#   STARTUP_TIMEOUT    seconds the server may take to print `listening on` (default 180)
#   BROWSER_TIMEOUT    seconds the whole pytest run may take (default 300)
# Extra arguments go to pytest. Screenshots (demo.png), the server's and chromedriver's logs and a
# JUnit report go to reports/browser/, which is not committed: CI keeps it as an artifact.
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/common.sh

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    sudo=()
    if ((EUID != 0)); then sudo=(sudo -n); fi
    echo "==> browser: installing Debian's chromium and chromium-driver" >&2
    # Waits for another apt process's lock rather than failing at once.
    "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=300 update -qq </dev/null
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
        --no-install-recommends chromium chromium-driver fonts-liberation </dev/null >/dev/null
fi
echo "==> browser: $(chromium --version 2>/dev/null), $(chromedriver --version 2>/dev/null | cut -d' ' -f1-2)"

python=$(Scripts/python-venv.sh)
if ! "$python" -c 'import selenium' 2>/dev/null; then
    echo "==> browser: installing selenium into $(dirname "$(dirname "$python")")" >&2
    PIP_NO_INPUT=1 "$python" -m pip install --disable-pip-version-check --quiet "selenium>=4.15,<5" </dev/null >&2
fi

require_server_cmd browser
reports=reports/browser
mkdir -p "$reports"
rm -f "$reports"/*.png "$reports"/*.log

port=$(free_port)
read -ra server_cmd <<<"$PUBSUB_SERVER_CMD"
start_group "$reports/server.log" "${server_cmd[@]}" --host 127.0.0.1 --port "$port"
server_pid=$started_pid
wait_for_line "$reports/server.log" "listening on" "$server_pid" "${STARTUP_TIMEOUT:-180}"

status=0
PUBSUB_BASE_URL="http://127.0.0.1:$port" \
    run_pytest browser "${BROWSER_TIMEOUT:-300}" Examples/PubSubServer/Tests/browser "$@" || status=$?
stop_group "$server_pid"
if [[ -f $reports/demo.png ]]; then echo "==> browser: screenshot in $reports/demo.png"; fi
exit "$status"
