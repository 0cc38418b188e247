"""Fixtures that start the example server (PUBSUB_SERVER_CMD, or `swift run` by default) on free
loopback ports and stop it afterwards; see support.py for the helpers the tests share."""

from __future__ import annotations

import os

import pytest

from support import ServerProcess

# Which host PUBSUB_SERVER_CMD runs: `nio` (the example server, the default) or another host adapter's
# executable (`hummingbird`, `vapor`), which serves the pub/sub contract but not everything else.
HOST_KIND = os.environ.get("PUBSUB_HOST_KIND", "nio")


def nio_host_only(reason: str):
    """Marks a test (or a parameter) that checks what only the NIO host does: RFC 6455 details that only
    this library's codec enforces, /echo, HTTP details of its own server, its extra flags. Skipped with
    `reason` when PUBSUB_HOST_KIND names another host."""
    return pytest.mark.nio_host_only(reason=reason)


def pytest_configure(config):
    config.addinivalue_line("markers", "nio_host_only(reason): runs only against the NIO host (PUBSUB_HOST_KIND=nio)")


def pytest_collection_modifyitems(config, items):
    if HOST_KIND == "nio":
        return
    for item in items:
        marker = item.get_closest_marker("nio_host_only")
        if marker is not None:
            item.add_marker(pytest.mark.skip(reason=f"NIO host only: {marker.kwargs['reason']}"))


# The limits the `limited_server` runs with, small enough to reach from a test quickly.
LIMITED_MAX_MESSAGE_BYTES = 4096
LIMITED_MAX_SUBSCRIPTIONS = 3


# After one failed start, later ones fail at once: a server that hangs before `listening on` would
# otherwise cost the whole startup timeout again for every test.
_first_start_failure: list[str] = []


def _start(*flags: str) -> ServerProcess:
    if _first_start_failure:
        pytest.fail("an earlier server start failed:\n" + _first_start_failure[0], pytrace=False)
    message = None
    try:
        return ServerProcess(*flags)
    except RuntimeError as error:
        message = str(error)
    _first_start_failure.append(message)
    pytest.fail(message, pytrace=False)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Adds the output of each server a failed test used to its report: what the server logged
    (a signal received, a connection refused) is often what explains the failure."""
    outcome = yield
    report = outcome.get_result()
    if not report.failed:
        return
    for name, value in getattr(item, "funcargs", {}).items():
        if isinstance(value, ServerProcess):
            report.sections.append((f"output of the {name} fixture's server (last lines)", value.output()))


@pytest.fixture(scope="session")
def server():
    """A server with the default limits, shared by the tests that don't count connections."""
    process = _start()
    yield process
    process.stop()


@pytest.fixture(scope="session")
def limited_server():
    """A server with small --max-message-bytes and --max-subscriptions-per-connection."""
    process = _start(
        "--max-message-bytes",
        str(LIMITED_MAX_MESSAGE_BYTES),
        "--max-subscriptions-per-connection",
        str(LIMITED_MAX_SUBSCRIPTIONS),
    )
    yield process
    process.stop()


@pytest.fixture
def fresh_server():
    """A server of the test's own, for exact /stats counts and for shutting it down."""
    process = _start()
    yield process
    process.stop()
