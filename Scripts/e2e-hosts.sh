#!/usr/bin/env bash
# Runs the pub/sub part of the end-to-end suite (Examples/PubSubServer/Tests/e2e) and the slow-reader
# test (Tests/load) against the host adapters' executables: `pubsub-hummingbird` and `pubsub-vapor`.
# Tests marked `nio_host_only` (the example server's /echo, flags and HTTP details, RFC 6455 details
# only this library's codec enforces) are skipped with their reason (PUBSUB_HOST_KIND). Builds
# nothing: build the hosts first, for example with
#   swift build --package-path Integrations/HummingbirdHost --product pubsub-hummingbird
#   swift build --package-path Integrations/VaporHost --product pubsub-vapor
#
# Usage: Scripts/e2e-hosts.sh [hummingbird] [vapor] [-- PYTEST ARGS...]   (default: both hosts)
# Environment (all optional):
#   PUBSUB_HUMMINGBIRD_CMD, PUBSUB_VAPOR_CMD  the command that starts each host (default: its debug build)
#   STARTUP_TIMEOUT, E2E_TIMEOUT, LOAD_TIMEOUT as for Scripts/e2e.sh and Scripts/load.sh
# JUnit reports go to reports/e2e-HOST/ and reports/slow-reader-HOST/.
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/common.sh

hosts=()
while (($#)); do
    if [[ $1 == -- ]]; then
        shift
        break
    fi
    hosts+=("$1")
    shift
done
((${#hosts[@]})) || hosts=(hummingbird vapor)

status=0
for host in "${hosts[@]}"; do
    case $host in
        hummingbird | vapor) ;;
        *)
            echo "unknown host '$host' (hummingbird, vapor)" >&2
            exit 2
            ;;
    esac
    package="Integrations/${host^}Host"
    var="PUBSUB_${host^^}_CMD"
    built=${PUBSUB_SCRATCH:-$package/.build}/debug/pubsub-$host
    if [[ -z ${!var:-} && ! -x $built ]]; then
        echo "$host: $built is not built and $var is not set; build it with" >&2
        echo "  swift build --package-path $package --product pubsub-$host" >&2
        exit 1
    fi
    require_cmd "$host" "$var" "$built" "$package" "pubsub-$host"
    export PUBSUB_SERVER_CMD="${!var}" PUBSUB_HOST_KIND="$host"
    run_pytest "e2e-$host" "${E2E_TIMEOUT:-900}" Examples/PubSubServer/Tests/e2e "$@" || status=1
    run_pytest "slow-reader-$host" "${LOAD_TIMEOUT:-240}" Examples/PubSubServer/Tests/load \
        -s -k slow_reader "$@" || status=1
done
exit "$status"
