#!/usr/bin/env bash
# Creates (once) a Python 3 virtual environment in the repository root and prints its python's path on
# stdout. Safe to run again: an existing, complete venv is reused and only missing packages are installed.
#
#   Scripts/python-venv.sh                     .venv-e2e, for the end-to-end tests and the Autobahn summary
#   Scripts/python-venv.sh NAME REQUIREMENT... .venv-NAME with those requirements (Scripts/aws-venv.sh)
#
# Environment: PYTHON (default python3) picks the interpreter the venv is made from.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
python=${PYTHON:-python3}

if (($# > 0)); then
    name=$1
    shift
    requirements=("$@")
else
    name=e2e
    # Versions known to work together; upper bounds keep a future major release from changing the
    # client behaviour the tests rely on (close codes surfaced as exceptions, sync client API).
    requirements=(
        "websockets>=13,<16"
        "websocket-client>=1.6,<2"
        "pytest>=7,<9"
        "pytest-timeout>=2.1,<3"
    )
fi
venv="$root/.venv-$name"
tag="$name-venv"

if [[ ! -x "$venv/bin/python" ]]; then
    echo "$tag: creating $venv with $("$python" --version 2>&1)" >&2
    "$python" -m venv "$venv" </dev/null >&2
fi

# A stamp holding the requirement list makes a re-run free (no network) and a changed list reinstall.
stamp="$venv/.requirements-stamp"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "${requirements[*]}" ]]; then
    echo "$tag: installing ${requirements[*]}" >&2
    PIP_NO_INPUT=1 "$venv/bin/python" -m pip install --disable-pip-version-check --quiet \
        "${requirements[@]}" </dev/null >&2
    printf '%s' "${requirements[*]}" >"$stamp"
fi

echo "$venv/bin/python"
