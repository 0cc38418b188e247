#!/usr/bin/env bash
# Runs a throwaway PostgreSQL cluster in a directory of the caller's, for the scale-out tests:
#
#   url=$(Scripts/postgres.sh start DIR)   # prints postgres://postgres@127.0.0.1:PORT/pubsub
#   Scripts/postgres.sh restart DIR        # stop, then start on the same port (prints the URL)
#   Scripts/postgres.sh stop DIR
#
# The cluster lives in DIR/data, listens on 127.0.0.1 only (a free port, or $PGPORT on first start),
# keeps its Unix socket in DIR/socket and logs to DIR/postgres.log. It trusts every local connection,
# so it is for tests only. Nothing system-wide is used or changed beyond installing Debian's
# `postgresql` package when the server binaries are missing, or always when CI=true (so CI proves the
# install works from Debian's packages; apt-get makes it a no-op when present). Run as root, the
# server runs as the `postgres` OS user, since PostgreSQL refuses to run as root.
#
# Only the URL goes to standard output; progress and errors go to standard error.
set -euo pipefail

usage() {
    echo "usage: $0 start|stop|restart DIR" >&2
    exit 2
}

(($# == 2)) || usage
command=$1
# DIR is relative to the caller's directory, so resolve it before moving to the repository root.
if [[ $command == start || $command == restart ]]; then
    mkdir -p "$2"
fi
if [[ ! -d $2 ]]; then
    echo "postgres: $2 is no directory, so there is no cluster to $command" >&2
    exit 0
fi
dir=$(cd "$2" && pwd)
cd "$(dirname "$0")/.."
source Scripts/common.sh
data="$dir/data"
socket_dir="$dir/socket"
log="$dir/postgres.log"
database=pubsub

say() {
    echo "postgres: $*" >&2
}

# The newest installed server's bin directory, or nothing.
server_bin() {
    local initdb
    initdb=$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)
    [[ -x $initdb ]] && dirname "$initdb"
}

install_server() {
    if [[ ${CI:-} != true ]] && server_bin >/dev/null; then
        return
    fi
    say "installing Debian's postgresql package"
    if ((EUID != 0)); then
        say "the PostgreSQL server is not installed and installing it needs root: apt-get install postgresql"
        exit 1
    fi
    apt-get update -qq </dev/null >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql </dev/null >&2
    if ! server_bin >/dev/null; then
        say "apt-get installed postgresql, yet no /usr/lib/postgresql/*/bin/initdb exists"
        exit 1
    fi
}

# Runs a command as the OS user that owns the cluster: `postgres` when we are root, else ourselves.
# From /, since the postgres user may not be allowed into the caller's working directory.
as_owner() {
    if ((EUID == 0)); then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && "$@")
    fi
}

# The port the cluster is configured with (written into postgresql.auto.conf by `init_cluster`).
cluster_port() {
    sed -n "s/^port = '\{0,1\}\([0-9]*\)'\{0,1\}$/\1/p" "$data/postgresql.auto.conf" | tail -n 1
}

url() {
    echo "postgres://postgres@127.0.0.1:$(cluster_port)/$database"
}

running() {
    [[ -f $data/PG_VERSION ]] && as_owner "$bin/pg_ctl" status -D "$data" >/dev/null 2>&1
}

init_cluster() {
    if ((EUID == 0)); then
        if ! getent passwd postgres >/dev/null; then
            say "there is no 'postgres' OS user to run the server as (is the postgresql package installed?)"
            exit 1
        fi
        # The server must reach its files through DIR; a mktemp directory is private to root.
        if ! runuser -u postgres -- test -x "$dir"; then
            chmod o+x "$dir"
        fi
        if ! runuser -u postgres -- test -x "$dir"; then
            say "the postgres OS user cannot enter $dir (a parent directory is private); pick another DIR"
            exit 1
        fi
    fi
    mkdir -p "$data" "$socket_dir"
    touch "$log"
    if ((EUID == 0)); then
        chown postgres: "$data" "$socket_dir" "$log"
    fi
    chmod 700 "$data"
    say "creating a cluster in $data"
    as_owner "$bin/initdb" -D "$data" -A trust -U postgres --encoding=UTF8 --locale=C >>"$log" 2>&1 || {
        say "initdb failed; the end of $log:"
        tail -n 30 "$log" >&2
        exit 1
    }
}

# Writes the settings every start uses, so that `restart` comes back on the same port.
configure() {
    local port=$1
    # The cluster is thrown away after the run: durability across an OS crash buys nothing here.
    as_owner tee "$data/postgresql.auto.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$socket_dir'
max_connections = 200
fsync = off
full_page_writes = off
EOF
}

# Starts the configured cluster and waits until it accepts connections; fails (without leaving a
# server behind) when it does not within the bound.
start_server() {
    say "starting on 127.0.0.1:$(cluster_port), log in $log"
    if ! as_owner "$bin/pg_ctl" start -D "$data" -l "$log" -w -t 60 >&2; then
        say "pg_ctl start failed; the end of $log:"
        tail -n 30 "$log" >&2
        as_owner "$bin/pg_ctl" stop -D "$data" -m immediate -w -t 10 >&2 || true
        return 1
    fi
    local deadline=$((SECONDS + 60))
    until "$bin/pg_isready" -q -h 127.0.0.1 -p "$(cluster_port)" -d postgres -U postgres -t 2; do
        if ((SECONDS >= deadline)); then
            say "the server does not accept connections 60s after starting; the end of $log:"
            tail -n 30 "$log" >&2
            return 1
        fi
        sleep 0.2
    done
}

create_database() {
    local psql=("$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$(cluster_port)" -U postgres)
    if [[ -z $("${psql[@]}" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'") ]]; then
        "${psql[@]}" -d postgres -c "CREATE DATABASE $database" >&2
    fi
}

start() {
    install_server
    bin=$(server_bin)
    if running; then
        say "already running in $data"
        url
        return
    fi
    if [[ ! -f $data/PG_VERSION ]]; then
        init_cluster
        # A free port can be taken by someone else before the server binds it: try a few.
        local attempt port
        for attempt in 1 2 3 4 5; do
            port=${PGPORT:-$(free_port)}
            configure "$port"
            if start_server; then
                break
            fi
            if [[ -n ${PGPORT:-} ]] || ((attempt == 5)); then
                exit 1
            fi
            say "retrying on another port"
        done
    else
        start_server || exit 1
    fi
    create_database
    url
}

stop() {
    bin=$(server_bin) || {
        say "no PostgreSQL server binaries, so nothing to stop"
        return
    }
    if [[ ! -f $data/PG_VERSION ]]; then
        say "no cluster in $data, nothing to stop"
        return
    fi
    if ! running; then
        return
    fi
    say "stopping the cluster in $data"
    if as_owner "$bin/pg_ctl" stop -D "$data" -m fast -w -t 30 >&2; then
        return
    fi
    say "fast shutdown did not finish in 30s; shutting down immediately"
    if as_owner "$bin/pg_ctl" stop -D "$data" -m immediate -w -t 10 >&2; then
        return
    fi
    local pid
    pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)
    if [[ $pid =~ ^[0-9]+$ ]]; then
        say "the server ignores shutdown requests; sending SIGKILL to postmaster $pid"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    exit 1
}

case $command in
start) start ;;
stop) stop ;;
restart)
    stop
    start
    ;;
*) usage ;;
esac
