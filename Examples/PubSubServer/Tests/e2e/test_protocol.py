"""RFC 6455 failures on the pub/sub path, sent through a raw socket: an oversized message closes with
1009, invalid UTF-8 in text with 1007, protocol violations with 1002. Also the control frames a client
relies on: ping is answered, a close is echoed."""

from __future__ import annotations

import json

import pytest

from conftest import LIMITED_MAX_MESSAGE_BYTES, nio_host_only
from support import (
    OP_BINARY,
    OP_CLOSE,
    OP_CONT,
    OP_PING,
    OP_PONG,
    OP_TEXT,
    RawWebSocket,
    assert_json_equal,
    close_payload,
    encode_frame,
)

DEFAULT_MAX_MESSAGE_BYTES = 131072


def padded_subscribe(entity_id: str, size: int) -> bytes:
    """A valid subscribe request padded with JSON whitespace to exactly `size` bytes."""
    body = json.dumps({"action": "subscribe", "entityId": entity_id}).encode()
    assert len(body) <= size
    return body + b" " * (size - len(body))


class TestMessageSizeLimit:
    def test_message_of_exactly_the_limit_is_accepted(self, limited_server):
        raw = RawWebSocket(limited_server.port)
        raw.send_text(padded_subscribe("at-limit", LIMITED_MAX_MESSAGE_BYTES))
        assert_json_equal(raw.recv_json(), {"status": "subscribed", "entityId": "at-limit"})
        raw.close_cleanly()

    def test_fragmented_message_of_exactly_the_limit_is_accepted(self, limited_server):
        raw = RawWebSocket(limited_server.port)
        payload = padded_subscribe("at-limit-fragmented", LIMITED_MAX_MESSAGE_BYTES)
        raw.send_frame(OP_TEXT, payload[:1000], fin=False)
        raw.send_frame(OP_CONT, payload[1000:3000], fin=False)
        raw.send_frame(OP_CONT, payload[3000:], fin=True)
        assert_json_equal(raw.recv_json(), {"status": "subscribed", "entityId": "at-limit-fragmented"})
        raw.close_cleanly()

    @pytest.mark.parametrize("opcode", [OP_TEXT, OP_BINARY], ids=["text", "binary"])
    def test_single_frame_over_the_limit_closes_with_1009(self, limited_server, opcode):
        raw = RawWebSocket(limited_server.port)
        raw.send_frame(opcode, padded_subscribe("over", LIMITED_MAX_MESSAGE_BYTES + 1))
        assert raw.expect_close()[0] == 1009

    def test_fragmented_message_over_the_limit_closes_with_1009(self, limited_server):
        raw = RawWebSocket(limited_server.port)
        chunk = b" " * 2000
        raw.send_frame(OP_TEXT, chunk, fin=False)
        raw.send_frame(OP_CONT, chunk, fin=False)
        raw.send_frame(OP_CONT, chunk, fin=True)
        assert raw.expect_close()[0] == 1009

    def test_huge_declared_length_closes_with_1009(self, limited_server):
        """A header announcing 2^62 bytes must be refused from the header alone (no allocation)."""
        raw = RawWebSocket(limited_server.port)
        raw.send_raw(bytes([0x81, 0x80 | 127]) + (1 << 62).to_bytes(8, "big") + b"\x00\x00\x00\x00" + b"x" * 64)
        code = raw.expect_close()[0]
        assert code in (1009, 1002), f"close code {code}"

    def test_default_limit_is_131072_bytes(self, server):
        raw = RawWebSocket(server.port)
        raw.send_text(padded_subscribe("default-limit", DEFAULT_MAX_MESSAGE_BYTES))
        assert_json_equal(raw.recv_json(), {"status": "subscribed", "entityId": "default-limit"})
        raw.send_text(padded_subscribe("default-limit", DEFAULT_MAX_MESSAGE_BYTES + 1))
        assert raw.expect_close()[0] == 1009


INVALID_UTF8 = {
    "lone-ff": b"\xff",
    "lone-continuation": b"abc\x80",
    "overlong-slash": b"\xc0\xaf",
    "surrogate": b"\xed\xa0\x80",
    "above-max-code-point": b"\xf4\x90\x80\x80",
    "truncated-sequence-at-end": b"caf\xc3",
}


class TestInvalidUTF8:
    @pytest.mark.parametrize("payload", list(INVALID_UTF8.values()), ids=list(INVALID_UTF8))
    def test_invalid_utf8_text_closes_with_1007(self, server, payload):
        raw = RawWebSocket(server.port)
        raw.send_frame(OP_TEXT, payload)
        assert raw.expect_close()[0] == 1007

    def test_invalid_utf8_in_a_later_fragment_closes_with_1007(self, server):
        raw = RawWebSocket(server.port)
        raw.send_frame(OP_TEXT, b'{"action":', fin=False)
        raw.send_frame(OP_CONT, b"\xff\xfe", fin=True)
        assert raw.expect_close()[0] == 1007

    def test_code_point_split_across_fragments_is_valid(self, server):
        raw = RawWebSocket(server.port)
        payload = json.dumps({"action": "subscribe", "entityId": "é-split"}, ensure_ascii=False).encode()
        cut = payload.index("é".encode()) + 1  # between the two bytes of é
        raw.send_frame(OP_TEXT, payload[:cut], fin=False)
        raw.send_frame(OP_CONT, payload[cut:], fin=True)
        assert_json_equal(raw.recv_json(), {"status": "subscribed", "entityId": "é-split"})
        raw.close_cleanly()


VIOLATIONS = {
    "unmasked-frame": pytest.param(
        [encode_frame(OP_TEXT, b'{"action":"subscribe","entityId":"E"}', mask=False)],
        marks=nio_host_only("Hummingbird's WSCore accepts unmasked client frames"),
    ),
    "rsv1-without-extension": [encode_frame(OP_TEXT, b"{}", rsv=0b100)],
    "rsv2": [encode_frame(OP_TEXT, b"{}", rsv=0b010)],
    "rsv3": [encode_frame(OP_BINARY, b"x", rsv=0b001)],
    "reserved-data-opcode-3": [encode_frame(0x3, b"x")],
    "reserved-control-opcode-b": [encode_frame(0xB, b"x")],
    "fragmented-ping": [encode_frame(OP_PING, b"x", fin=False)],
    "ping-over-125-bytes": [encode_frame(OP_PING, b"x" * 126)],
    "continuation-without-start": [encode_frame(OP_CONT, b"x")],
    "text-inside-fragmented-message": [encode_frame(OP_TEXT, b"a", fin=False), encode_frame(OP_TEXT, b"b")],
    "close-with-one-byte-payload": [encode_frame(OP_CLOSE, b"\x03")],
    "close-code-999": [encode_frame(OP_CLOSE, close_payload(999))],
    "close-code-1005": [encode_frame(OP_CLOSE, close_payload(1005))],
    "close-code-1006": [encode_frame(OP_CLOSE, close_payload(1006))],
}


@pytest.mark.parametrize("frames", list(VIOLATIONS.values()), ids=list(VIOLATIONS))
def test_protocol_violation_closes_with_1002(server, frames):
    raw = RawWebSocket(server.port)
    for frame in frames:
        raw.send_raw(frame)
    assert raw.expect_close()[0] == 1002


class TestControlFrames:
    @pytest.mark.parametrize("path", ["/", pytest.param("/echo", marks=nio_host_only("/echo belongs to the example server"))])
    def test_ping_is_answered_with_pong_of_same_payload(self, server, path):
        raw = RawWebSocket(server.port, path)
        raw.send_frame(OP_PING, b"are you there?")
        fin, _, opcode, payload = raw.recv_frame()
        assert (fin, opcode, payload) == (True, OP_PONG, b"are you there?")
        raw.close_cleanly()

    def test_ping_between_fragments_is_answered_and_message_completes(self, server):
        raw = RawWebSocket(server.port)
        body = json.dumps({"action": "subscribe", "entityId": "ping-between"}).encode()
        raw.send_frame(OP_TEXT, body[:10], fin=False)
        raw.send_frame(OP_PING, b"mid")
        raw.send_frame(OP_CONT, body[10:], fin=True)
        _, _, opcode, payload = raw.recv_frame()
        assert (opcode, payload) == (OP_PONG, b"mid")
        assert_json_equal(raw.recv_json(), {"status": "subscribed", "entityId": "ping-between"})
        raw.close_cleanly()

    def test_unsolicited_pong_is_ignored(self, server):
        raw = RawWebSocket(server.port)
        raw.send_frame(OP_PONG, b"unsolicited")
        assert_json_equal(raw.subscribe("after-pong"), {"status": "subscribed", "entityId": "after-pong"})
        raw.close_cleanly()

    @pytest.mark.parametrize("path", ["/", pytest.param("/echo", marks=nio_host_only("/echo belongs to the example server"))])
    @pytest.mark.parametrize("code", [1000, 1001, 3000, 4999])
    def test_close_is_echoed_and_connection_ends(self, server, path, code):
        raw = RawWebSocket(server.port, path)
        echoed = raw.close_cleanly(code)
        assert echoed in (code, 1000, None), f"server answered close {code} with {echoed}"

    def test_empty_close_is_answered(self, server):
        raw = RawWebSocket(server.port)
        raw.send_frame(OP_CLOSE, b"")
        _, _, opcode, _ = raw.recv_frame()
        assert opcode == OP_CLOSE
        raw.expect_eof()
