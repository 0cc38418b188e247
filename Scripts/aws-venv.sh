#!/usr/bin/env bash
# Creates (once) the Python 3 virtual environment of the AWS integration's checks, at .venv-aws in the
# repository root, and prints its python's path on stdout: botocore (the reference the SigV4 signer is
# compared with), moto's server (the DynamoDB the stores and apigw-local run against), and the
# walkthrough's client (pytest, websockets, boto3).
# Safe to run again: a stamp holding the requirement list makes a re-run free.
#
# Environment: PYTHON (default python3) picks the interpreter the venv is made from.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
venv="$root/.venv-aws"
python=${PYTHON:-python3}

requirements=(
    "boto3>=1.34,<2"
    "botocore>=1.34,<2"
    "moto[server]>=5,<6"
    "websockets>=13,<16"
    "pytest>=7,<9"
    "pytest-timeout>=2.1,<3"
)

if [[ ! -x "$venv/bin/python" ]]; then
    echo "aws-venv: creating $venv with $("$python" --version 2>&1)" >&2
    "$python" -m venv "$venv" </dev/null >&2
fi

stamp="$venv/.requirements-stamp"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "${requirements[*]}" ]]; then
    echo "aws-venv: installing ${requirements[*]}" >&2
    PIP_NO_INPUT=1 "$venv/bin/python" -m pip install --disable-pip-version-check --quiet \
        "${requirements[@]}" </dev/null >&2
    printf '%s' "${requirements[*]}" >"$stamp"
fi

echo "$venv/bin/python"
