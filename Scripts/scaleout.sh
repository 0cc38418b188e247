#!/usr/bin/env bash
# Runs the two-node scale-out tests (Examples/PostgresScaleOut/Tests/scaleout): `pubsub-node`
# processes sharing one PostgreSQL database, driven over real sockets. Starts a throwaway PostgreSQL
# cluster with Scripts/postgres.sh (installing Debian's package if needed) unless PUBSUB_POSTGRES_URL
# names a database already. Builds nothing: build the node first, for example with
#   swift build -c release --package-path Examples/PostgresScaleOut --product pubsub-node
#
# Environment (all optional):
#   PUBSUB_NODE_CMD       command that starts a node; the tests append --host, --port, --node-id and
#                         --postgres-url (default: Examples/PostgresScaleOut/.build/release/pubsub-node)
#   PUBSUB_POSTGRES_URL   a database to use instead of a throwaway cluster; the tests truncate the
#                         pubsub_* tables in it. The database-restart test is then skipped unless
#                         PUBSUB_POSTGRES_DIR names the cluster directory of Scripts/postgres.sh.
#   STARTUP_TIMEOUT       seconds each node start may take to print `listening on` (default 60)
#   SCALEOUT_TIMEOUT      seconds the whole run may take (default 600)
# Extra arguments go to pytest (for example `-k restart -x`). A JUnit report, each node's output
# and the PostgreSQL log go to reports/scaleout/. On exit, however it happens, every node and the
# throwaway cluster are stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/common.sh

require_cmd scaleout PUBSUB_NODE_CMD Examples/PostgresScaleOut/.build/release/pubsub-node \
    Examples/PostgresScaleOut pubsub-node

reports=reports/scaleout
mkdir -p "$reports"
rm -f "$reports"/*.log

# The tests start every node with this mark in its environment, so that the clean-up below finds
# the nodes (and anything they started) even when pytest itself was killed before its finalizers ran.
PUBSUB_SCALEOUT_RUN_ID="scaleout-$$-$RANDOM$RANDOM"
export PUBSUB_SCALEOUT_RUN_ID
node_mark="PUBSUB_SCALEOUT_NODE_OF=$PUBSUB_SCALEOUT_RUN_ID"

# The clean-up functions run from the EXIT trap, which shellcheck does not follow.
# Prints the pids of the processes whose environment holds $node_mark.
# shellcheck disable=SC2317
marked_processes() {
    local environ pid
    for environ in /proc/[0-9]*/environ; do
        pid=${environ#/proc/}
        pid=${pid%/environ}
        if grep -qzxF -- "$node_mark" "$environ" 2>/dev/null; then
            echo "$pid"
        fi
    done
}

# shellcheck disable=SC2317
stop_leftover_nodes() {
    local pids
    mapfile -t pids < <(marked_processes)
    ((${#pids[@]} > 0)) || return 0
    echo "scaleout: stopping ${#pids[@]} node process(es) left running: ${pids[*]}" >&2
    kill -KILL "${pids[@]}" 2>/dev/null || true
}

pg_dir=
# shellcheck disable=SC2317
cleanup() {
    stop_all_groups
    stop_leftover_nodes
    if [[ -n $pg_dir ]]; then
        Scripts/postgres.sh stop "$pg_dir" || true
        cp "$pg_dir/postgres.log" "$reports/postgres.log" 2>/dev/null || true
        rm -rf "$pg_dir"
    fi
}
trap cleanup EXIT

if [[ -z ${PUBSUB_POSTGRES_URL:-} ]]; then
    pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/pubsub-scaleout-pg.XXXXXX")
    PUBSUB_POSTGRES_URL=$(Scripts/postgres.sh start "$pg_dir")
    export PUBSUB_POSTGRES_URL
    export PUBSUB_POSTGRES_DIR=$pg_dir
fi
echo "==> scaleout database: $PUBSUB_POSTGRES_URL"

status=0
# -s: the tests print what they measured (how long a crashed node's connections stayed counted,
# how long delivery took to resume after a database restart).
run_pytest scaleout "${SCALEOUT_TIMEOUT:-600}" Examples/PostgresScaleOut/Tests/scaleout -s "$@" || status=$?
exit "$status"
