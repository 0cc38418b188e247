"""Shutdown on SIGTERM or SIGINT: every client gets a close frame with 1001 and the process exits
within 5 seconds."""

from __future__ import annotations

import signal
import subprocess
import time

import pytest

from conftest import HOST_KIND
from support import RawWebSocket


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_closes_clients_with_1001_and_exits_within_5_seconds(fresh_server, signum):
    port = fresh_server.port
    subscribed = RawWebSocket(port, protocols=["websocket"])
    subscribed.subscribe("shutdown")
    idle = RawWebSocket(port)
    clients = [("subscribed", subscribed), ("idle", idle)]
    if HOST_KIND == "nio":  # /echo is the example server's only
        clients.append(("echo", RawWebSocket(port, "/echo")))

    sent_at = time.monotonic()
    fresh_server.signal(signum)
    for name, client in clients:
        remaining = max(0.5, 5.0 - (time.monotonic() - sent_at))
        try:
            code, _ = client.expect_close(timeout=remaining)
        except AssertionError as error:
            raise AssertionError(f"{name} client: {error}") from error
        assert code == 1001, f"{name} client got close code {code}"
    try:
        fresh_server.proc.wait(max(0.1, 5.0 - (time.monotonic() - sent_at)))
    except subprocess.TimeoutExpired:
        pytest.fail(f"the server was still running 5 s after {signal.Signals(signum).name}")


def test_signal_with_no_clients_exits_within_5_seconds(fresh_server):
    fresh_server.signal(signal.SIGTERM)
    try:
        fresh_server.proc.wait(5)
    except subprocess.TimeoutExpired:
        pytest.fail("the server was still running 5 s after SIGTERM")
