# shellcheck shell=bash
# Shared helpers for the scripts in this folder; source it, don't run it.
# Every child started through `start_group` runs in its own process group, so that stopping it also
# stops what it started (`swift run` and the server it runs, `timeout` and `wstest`), and an EXIT trap
# stops every group still running however the script ends.

started_groups=()

# Prints a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Succeeds when something accepts TCP connections on 127.0.0.1:$1.
port_open() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Succeeds when port $1 on 127.0.0.1 can be bound (nothing listens there).
port_free() {
    python3 -c 'import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)' "$1"
}

# start_group LOGFILE CMD [ARGS...]: runs CMD in a new session (so a new process group whose id is
# its pid) with no stdin and both outputs in LOGFILE, or left on the terminal if LOGFILE is `-`;
# sets $started_pid. (A background job of a script is no group leader, so setsid needs no fork.)
start_group() {
    local log=$1
    shift
    if [[ $log == - ]]; then
        setsid "$@" </dev/null &
    else
        setsid "$@" </dev/null >"$log" 2>&1 &
    fi
    started_pid=$!
    started_groups+=("$started_pid")
}

# stop_group PID [GRACE]: SIGTERM to the group, then SIGKILL after GRACE seconds (default 10).
stop_group() {
    local pid=$1 grace=${2:-10} waited=0
    kill -TERM -- "-$pid" 2>/dev/null || return 0
    while kill -0 -- "-$pid" 2>/dev/null; do
        if ((waited >= grace * 10)); then
            echo "stopping process group $pid: no exit ${grace}s after SIGTERM, sending SIGKILL" >&2
            kill -KILL -- "-$pid" 2>/dev/null || true
            break
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    wait "$pid" 2>/dev/null || true
}

stop_all_groups() {
    local pid
    for pid in "${started_groups[@]}"; do
        stop_group "$pid" 5
    done
    started_groups=()
}

# wait_for_line LOGFILE PATTERN PID TIMEOUT: waits until LOGFILE has a line matching PATTERN (fixed
# string); fails if PID exits first or TIMEOUT seconds pass.
wait_for_line() {
    local log=$1 pattern=$2 pid=$3 timeout=$4
    local deadline=$((SECONDS + timeout))
    until grep -qF -- "$pattern" "$log" 2>/dev/null; do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "process $pid exited before printing '$pattern'; its output:" >&2
            tail -n 50 "$log" >&2 || true
            return 1
        fi
        if ((SECONDS >= deadline)); then
            echo "no '$pattern' from process $pid within ${timeout}s; its output:" >&2
            tail -n 50 "$log" >&2 || true
            return 1
        fi
        sleep 0.2
    done
}

# wait_for_port PORT PID TIMEOUT: waits until 127.0.0.1:PORT accepts connections.
wait_for_port() {
    local port=$1 pid=$2 timeout=$3
    local deadline=$((SECONDS + timeout))
    until port_open "$port"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "process $pid exited before listening on port $port" >&2
            return 1
        fi
        if ((SECONDS >= deadline)); then
            echo "nothing listened on port $port within ${timeout}s" >&2
            return 1
        fi
        sleep 0.2
    done
}

trap 'stop_all_groups' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# require_cmd LABEL VAR BINARY PACKAGE PRODUCT: exports VAR as the absolute path of the release
# BINARY unless the caller chose a command in VAR; exits with the build command when neither exists.
require_cmd() {
    local label=$1 var=$2 binary package=$4 product=$5
    binary="$(pwd)/$3"
    if [[ -z ${!var:-} ]]; then
        if [[ ! -x $binary ]]; then
            echo "$label: $binary is not built and $var is not set; build it with" >&2
            echo "  swift build -c release --package-path $package --product $product" >&2
            exit 1
        fi
        export "$var=$binary"
    fi
    echo "==> $label against: ${!var}"
}

# require_server_cmd LABEL: the example server, in PUBSUB_SERVER_CMD.
require_server_cmd() {
    require_cmd "$1" PUBSUB_SERVER_CMD Examples/PubSubServer/.build/release/pubsub-server \
        Examples/PubSubServer pubsub-server
}

# run_pytest LABEL LIMIT SUITE [PYTEST ARGS...]: runs the pytest suite in folder SUITE (with its
# pytest.ini) from the venv of Scripts/python-venv.sh, in a process group of its own, stopped after
# LIMIT seconds; the JUnit report goes to reports/LABEL/. Returns pytest's status (124: too slow).
run_pytest() {
    local label=$1 limit=$2 suite=$3 python status=0
    shift 3
    python=$(Scripts/python-venv.sh)
    # No __pycache__ in the source tree.
    export PYTHONDONTWRITEBYTECODE=1
    mkdir -p "reports/$label"
    start_group - timeout -k 10 "$limit" "$python" -m pytest \
        -c "$suite/pytest.ini" \
        --junitxml "reports/$label/junit.xml" \
        -p no:cacheprovider \
        "$suite" "$@"
    wait "$started_pid" || status=$?
    if ((status == 124)); then
        echo "$label: the run took longer than ${limit}s" >&2
    fi
    return "$status"
}
