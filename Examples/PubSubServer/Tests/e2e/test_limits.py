"""Limits that are off by default in the example server: connections per address, the Origin allow-list."""

from __future__ import annotations

import socket
import time

import pytest

from conftest import _start, nio_host_only
from support import PeerClosed, RawWebSocket, wait_for_stats

pytestmark = nio_host_only("--max-connections-per-address and --allowed-origin are flags of the example server only")


@pytest.fixture
def capped_server():
    server = _start("--max-connections-per-address", "2", "--allowed-origin", "https://app.example")
    yield server
    server.stop()


def test_connection_over_the_per_address_limit_is_closed_at_accept(capped_server):
    port = capped_server.port
    first = RawWebSocket(port, protocols=["websocket"])
    second = RawWebSocket(port)
    with pytest.raises((PeerClosed, AssertionError, OSError)):
        RawWebSocket(port, timeout=3.0)
    # The two admitted sessions still work, and a slot frees up when one leaves.
    assert first.subscribe("limited")["status"] == "subscribed"
    second.close_cleanly()
    wait_for_stats(port, connections=1, subscriptions=1)
    # Every TCP connection counts, the /stats requests too: their slots free up as they close.
    deadline = time.monotonic() + 3.0
    while True:
        try:
            third = RawWebSocket(port, timeout=3.0)
            break
        except (PeerClosed, OSError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    assert third.subscribe("limited")["status"] == "subscribed"
    third.close_cleanly()
    first.close_cleanly()


def test_origin_outside_the_allow_list_gets_403(capped_server):
    port = capped_server.port
    request = (
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        "Origin: https://evil.example\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(request.encode())
        assert sock.recv(4096).split(b"\r\n", 1)[0].startswith(b"HTTP/1.1 403")
    allowed = request.replace("https://evil.example", "https://app.example")
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(allowed.encode())
        assert sock.recv(4096).split(b"\r\n", 1)[0].startswith(b"HTTP/1.1 101")
