#!/usr/bin/env bash
# Creates (once) the Python 2.7 virtualenv that runs the Autobahn TestSuite (`wstest`), at
# .venv-autobahn in the repository root, and prints the path of its wstest on stdout.
# The TestSuite runs only on Python 2.7, whose packages stopped at old releases: every dependency is
# pinned to the last release that installs and runs there, so pip never tries a Python-3-only one.
#
# Environment: PYTHON27 (default /root/.pyenv/versions/2.7.18/bin/python) is the 2.7 interpreter.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
venv="$root/.venv-autobahn"
python27=${PYTHON27:-/root/.pyenv/versions/2.7.18/bin/python}
export PIP_NO_INPUT=1 PIP_DISABLE_PIP_VERSION_CHECK=1

# Resolved by pip on Python 2.7.18 and checked with `wstest -m fuzzingclient` / `fuzzingserver`.
pins=(
    autobahntestsuite==25.10.1
    autobahn==0.10.9
    Twisted==19.10.0
    txaio==2.1.0
    zope.interface==4.6.0
    Automat==22.10.0
    attrs==21.4.0
    constantly==15.1.0
    hyperlink==21.0.0
    idna==2.10
    incremental==16.10.1
    PyHamcrest==1.10.1
    six==1.16.0
    typing==3.10.0.0
    wsaccel==0.6.6
    ujson==2.0.3
    klein==17.10.0
    Werkzeug==1.0.1
    Jinja2==2.11.3
    MarkupSafe==1.1.1
    pyOpenSSL==19.1.0
    cryptography==3.3.2
    cffi==1.15.1
    pycparser==2.21
    enum34==1.1.10
    ipaddress==1.0.23
    service-identity==18.1.0
    pyasn1==0.5.1
    pyasn1-modules==0.3.0
    unittest2==1.1.0
    traceback2==1.4.0
    linecache2==1.0.0
    argparse==1.4.0
    setuptools==44.0.0
)

if [[ ! -x "$python27" ]]; then
    echo "autobahn-venv: no Python 2.7 at $python27 (set PYTHON27)" >&2
    exit 1
fi

if [[ ! -x "$venv/bin/python" ]]; then
    echo "autobahn-venv: creating $venv" >&2
    # virtualenv 20.22 dropped creating Python 2 environments.
    "$python27" -m pip install --quiet "virtualenv<20.22" </dev/null >&2
    "$python27" -m virtualenv --quiet "$venv" </dev/null >&2
fi

# A stamp holding the pin list makes a re-run free (no network) and a changed list reinstall.
stamp="$venv/.requirements-stamp"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "${pins[*]}" || ! -x "$venv/bin/wstest" ]]; then
    echo "autobahn-venv: installing autobahntestsuite and its pinned dependencies" >&2
    "$venv/bin/python" -m pip install --quiet "${pins[@]}" </dev/null >&2
    printf '%s' "${pins[*]}" >"$stamp"
fi

# Fails loudly here, not in the middle of a test run, if the install is broken.
if ! timeout 60 "$venv/bin/wstest" --help </dev/null >/dev/null 2>&1; then
    echo "autobahn-venv: $venv/bin/wstest --help failed" >&2
    timeout 60 "$venv/bin/wstest" --help </dev/null >&2 || true
    exit 1
fi

echo "$venv/bin/wstest"
