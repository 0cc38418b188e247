#!/usr/bin/env bash
# Runs moto's server (a local DynamoDB-compatible endpoint from PyPI's `moto[server]`) for the AWS
# integration's tests, in a directory of the caller's:
#
#   url=$(Scripts/moto.sh start DIR)   # prints http://127.0.0.1:PORT
#   Scripts/moto.sh stop DIR
#
# It listens on 127.0.0.1 only, on a free port, logs to DIR/moto.log and keeps its pid in DIR/pid.
# The venv comes from Scripts/aws-venv.sh. Only the URL goes to standard output.
#
# One request at a time: `moto_server` serves each request on its own thread, and moto's
# TransactWriteItems snapshots whole tables and restores the snapshot when a condition fails, which
# undoes writes that other threads made meanwhile (seen as a subscription coming back after its
# unsubscribe under the conformance kit's concurrent checks). DynamoDB's transactions are atomic; a
# server that handles one request at a time is what makes moto's so too. Clients still race: their
# requests interleave between calls, as with DynamoDB.
set -euo pipefail

(($# == 2)) || {
    echo "usage: $0 start|stop DIR" >&2
    exit 2
}
command=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)
cd "$(dirname "$0")/.."
source Scripts/common.sh

case $command in
    start)
        python=$(Scripts/aws-venv.sh)
        port=$(free_port)
        MOTO_PORT=$port setsid "$python" -c '
import sys
from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
run_simple("127.0.0.1", int(sys.argv[1]), DomainDispatcherApplication(create_backend_app), threaded=False,
           request_handler=MotoRequestHandler)
' "$port" </dev/null >"$dir/moto.log" 2>&1 &
        echo $! >"$dir/pid"
        for _ in $(seq 1 100); do
            if port_open "$port"; then
                echo "http://127.0.0.1:$port"
                exit 0
            fi
            sleep 0.1
        done
        echo "moto: the server did not listen on 127.0.0.1:$port within 10 s; its log:" >&2
        cat "$dir/moto.log" >&2
        exit 1
        ;;
    stop)
        if [[ -f $dir/pid ]]; then
            pid=$(cat "$dir/pid")
            kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
            for _ in $(seq 1 50); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
            done
            rm -f "$dir/pid"
        fi
        ;;
    *)
        echo "usage: $0 start|stop DIR" >&2
        exit 2
        ;;
esac
