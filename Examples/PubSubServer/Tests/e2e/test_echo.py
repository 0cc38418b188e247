"""The /echo endpoint used by the Autobahn TestSuite: every message comes back unchanged, up to
16 MiB whatever --max-message-bytes says."""

from __future__ import annotations

import os

import pytest
from websockets.sync.client import connect

from conftest import nio_host_only
from support import OP_BINARY, OP_CONT, OP_TEXT, RawWebSocket

pytestmark = nio_host_only("/echo belongs to the example server (for the Autobahn TestSuite); the hosts serve pub/sub at / only")

SIXTEEN_MIB = 16 * 1024 * 1024


def open_echo(server):
    return connect(f"{server.ws_url}/echo", open_timeout=10, close_timeout=10, max_size=None)


@pytest.mark.parametrize(
    "message",
    ["hello", "", "unicode é 😀", "x" * 70_000, b"\x00\x01\x02\xff", b"", bytes(range(256)) * 300],
    ids=["text", "empty-text", "unicode", "64k-text", "binary", "empty-binary", "75k-binary"],
)
def test_echoes_message_unchanged(server, message):
    with open_echo(server) as ws:
        ws.send(message)
        reply = ws.recv(timeout=10)
        assert type(reply) is type(message), f"sent {type(message).__name__}, got {type(reply).__name__}"
        assert reply == message


def test_echoes_in_order(server):
    with open_echo(server) as ws:
        for i in range(200):
            ws.send(f"message {i}" if i % 2 else f"binary {i}".encode())
        for i in range(200):
            expected = f"message {i}" if i % 2 else f"binary {i}".encode()
            assert ws.recv(timeout=10) == expected


@pytest.mark.parametrize("kind", ["binary", "text"])
def test_accepts_16_mib_message_despite_small_max_message_bytes(limited_server, kind):
    message = os.urandom(SIXTEEN_MIB) if kind == "binary" else "é" * (SIXTEEN_MIB // 2)
    with open_echo(limited_server) as ws:
        ws.send(message)
        reply = ws.recv(timeout=60)
        assert type(reply) is type(message)
        assert len(reply) == len(message) and reply == message


def test_fragmented_message_is_echoed_whole(server):
    raw = RawWebSocket(server.port, "/echo")
    raw.send_frame(OP_TEXT, b"frag", fin=False)
    raw.send_frame(OP_CONT, b"men", fin=False)
    raw.send_frame(OP_CONT, b"ted", fin=True)
    assert raw.recv_message() == (OP_TEXT, b"fragmented")
    raw.send_frame(OP_BINARY, b"\x01", fin=False)
    raw.send_frame(OP_CONT, b"\x02", fin=True)
    assert raw.recv_message() == (OP_BINARY, b"\x01\x02")
    raw.close_cleanly()


def test_sends_nothing_unsolicited(server):
    raw = RawWebSocket(server.port, "/echo")
    raw.expect_silence(0.5)
    raw.close_cleanly()


def test_invalid_utf8_closes_with_1007(server):
    raw = RawWebSocket(server.port, "/echo")
    raw.send_frame(OP_TEXT, b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80")
    assert raw.expect_close()[0] == 1007
