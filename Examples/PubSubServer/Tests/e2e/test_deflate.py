"""permessage-deflate (RFC 7692) on the example server: off by default, `--permessage-deflate`
accepts it on both endpoints, and the message limit applies to the decompressed size."""

from __future__ import annotations

import json
import zlib

import pytest

from conftest import _start, nio_host_only
from support import OP_BINARY, OP_TEXT, RawWebSocket, publish

pytestmark = nio_host_only("--permessage-deflate and /echo are the NIO host's; the other hosts take neither")

# What Chromium offers.
CHROMIUM_OFFER = "permessage-deflate; client_max_window_bits"
LIMIT = 4096


def deflate(payload: bytes) -> bytes:
    """A message compressed as RFC 7692 §7.2.1 says: raw DEFLATE, sync flush, tail removed."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    data = compressor.compress(payload) + compressor.flush(zlib.Z_SYNC_FLUSH)
    assert data.endswith(b"\x00\x00\xff\xff")
    return data[:-4]


def inflate(payload: bytes) -> bytes:
    return zlib.decompressobj(-15).decompress(payload + b"\x00\x00\xff\xff")


@pytest.fixture(scope="module")
def deflate_server():
    process = _start("--permessage-deflate", "--max-message-bytes", str(LIMIT))
    yield process
    process.stop()


def test_offer_is_declined_without_the_flag(server):
    for path in ("/", "/echo"):
        client = RawWebSocket(server.port, path, protocols=["websocket"], extensions=CHROMIUM_OFFER)
        assert "sec-websocket-extensions" not in client.headers
        client.close_cleanly()


@pytest.mark.parametrize("path", ["/", "/echo"])
def test_offer_is_accepted_with_the_flag(deflate_server, path):
    client = RawWebSocket(deflate_server.port, path, protocols=["websocket"], extensions=CHROMIUM_OFFER)
    assert client.headers["sec-websocket-extensions"] == "permessage-deflate; server_no_context_takeover"
    client.close_cleanly()


def test_echo_compresses_both_ways(deflate_server):
    client = RawWebSocket(deflate_server.port, "/echo", extensions=CHROMIUM_OFFER)
    text = ('{"topic":"prices","values":[' + ",".join(str(n) for n in range(300)) + "]}").encode()
    client.send_frame(OP_TEXT, deflate(text), rsv=4)
    fin, rsv, opcode, payload = client.recv_frame()
    assert (fin, rsv, opcode) == (True, 4, OP_TEXT)
    assert len(payload) < len(text)
    assert inflate(payload) == text
    # Short messages go uncompressed (under 256 bytes); control frames never are.
    client.send_frame(OP_BINARY, deflate(b"tiny"), rsv=4)
    assert client.recv_frame() == (True, 0, OP_BINARY, b"tiny")
    client.close_cleanly()


def test_limit_applies_to_the_decompressed_size(deflate_server):
    client = RawWebSocket(deflate_server.port, "/", protocols=["websocket"], extensions=CHROMIUM_OFFER)
    bomb = deflate(b"\x00" * (1 << 20))  # about 1 KB that inflates to 1 MiB
    assert len(bomb) < LIMIT
    client.send_frame(OP_BINARY, bomb, rsv=4)
    code, _ = client.expect_close()
    assert code == 1009


def test_a_publish_is_compressed_for_deflate_subscribers_and_plain_for_the_others(deflate_server):
    """The hub compresses a published message once; deflate subscribers get it with RSV1, the others
    get the same envelope uncompressed."""
    entity = "deflate-fanout"
    compressed_clients = [
        RawWebSocket(deflate_server.port, "/", protocols=["websocket"], extensions=CHROMIUM_OFFER) for _ in range(3)
    ]
    plain = RawWebSocket(deflate_server.port, "/", protocols=["websocket"])
    for client in [*compressed_clients, plain]:
        assert client.subscribe(entity) == {"status": "subscribed", "entityId": entity}
    message = {"prices": list(range(400))}
    report = publish(deflate_server.port, entity, message)
    assert report["delivered"] == 4
    # The envelope embeds the message byte for byte as it was posted.
    expected = b'{"entityId":"deflate-fanout","message":' + json.dumps(message).encode() + b"}"
    for client in compressed_clients:
        fin, rsv, opcode, payload = client.recv_frame()
        assert (fin, rsv, opcode) == (True, 4, OP_TEXT)
        assert len(payload) < len(expected)
        assert inflate(payload) == expected
        client.close_cleanly()
    fin, rsv, opcode, payload = plain.recv_frame()
    assert (fin, rsv, opcode, payload) == (True, 0, OP_TEXT, expected)
    plain.close_cleanly()
