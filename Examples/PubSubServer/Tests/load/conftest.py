"""Fixtures for the load tests. The server process helpers are the end-to-end suite's
(`Tests/e2e/support.py`): the same command (PUBSUB_SERVER_CMD, else the release binary), free
loopback port, output drained and kept for failure messages."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "e2e"))

from support import ServerProcess  # noqa: E402

from loadkit import raise_fd_limit  # noqa: E402

# Client sockets, the server's sockets (it inherits this limit) and slack for HTTP requests.
FD_LIMIT_WANTED = 20_000


@pytest.fixture(scope="session", autouse=True)
def fd_limit() -> int:
    return raise_fd_limit(FD_LIMIT_WANTED)


@pytest.fixture
def start_server(fd_limit):
    """Starts servers with the given flags for one test and stops them afterwards."""
    started: list[ServerProcess] = []

    def start(*flags: str) -> ServerProcess:
        try:
            process = ServerProcess(*flags)
        except RuntimeError as error:
            pytest.fail(str(error), pytrace=False)
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()
