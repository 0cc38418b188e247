"""The HTTP side of the contract: /stats, POST /events validation and size limit, 426 for a plain
GET on a WebSocket path, 404/405 elsewhere, and the 16 KiB header limit."""

from __future__ import annotations

import json

import pytest

from conftest import nio_host_only
from support import http, raw_http, stats

ONE_MIB = 1024 * 1024


def request(method: str, path: str, port: int, headers: list[str] | None = None, body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}"]
    lines += headers or []
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def test_stats_reports_integer_counts(server):
    counts = stats(server.port)
    assert counts["connections"] >= 0 and counts["subscriptions"] >= 0


@pytest.mark.parametrize(
    "path",
    [
        "/",
        pytest.param("/echo", marks=nio_host_only("the hosts serve the pub/sub endpoint at / only")),
        pytest.param("/pubsub", marks=nio_host_only("the hosts serve the pub/sub endpoint at / only")),
        pytest.param("/any/path", marks=nio_host_only("the hosts serve the pub/sub endpoint at / only")),
    ],
)
def test_get_without_upgrade_on_websocket_path_is_426(server, path):
    status, _, _, _ = raw_http(server.port, request("GET", path, server.port))
    assert status == 426


@pytest.mark.parametrize(
    "method,path",
    [("POST", "/"), ("PUT", "/"), ("DELETE", "/echo"), ("POST", "/nowhere"), ("PATCH", "/pubsub"), ("PUT", "/a/b")],
)
def test_other_method_on_other_path_is_404_or_405(server, method, path):
    status, _, _, _ = raw_http(server.port, request(method, path, server.port))
    assert status in (404, 405)


@nio_host_only("the 16 KiB request-head limit answered with 431 is the example server's; frameworks have their own")
class TestHeaderLimit:
    def test_one_header_over_16_kib_is_refused_and_connection_closed(self, server):
        headers = ["X-Big: " + "a" * (17 * 1024)]
        status, _, _, closed = raw_http(server.port, request("GET", "/stats", server.port, headers))
        assert status in (431, 400)
        assert closed, "the server must close the connection after refusing oversized headers"

    def test_many_headers_over_16_kib_in_total_are_refused(self, server):
        headers = [f"X-Header-{i}: " + "b" * 500 for i in range(40)]
        status, _, _, closed = raw_http(server.port, request("GET", "/stats", server.port, headers))
        assert status in (431, 400)
        assert closed

    def test_oversized_upgrade_request_is_refused(self, server):
        headers = [
            "Upgrade: websocket",
            "Connection: Upgrade",
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
            "Sec-WebSocket-Version: 13",
            "Cookie: " + "c" * (17 * 1024),
        ]
        status, _, _, closed = raw_http(server.port, request("GET", "/", server.port, headers))
        assert status in (431, 400)
        assert closed

    def test_headers_well_under_the_limit_are_accepted(self, server):
        headers = ["X-Medium: " + "m" * (8 * 1024)]
        status, _, body, _ = raw_http(server.port, request("GET", "/stats", server.port, headers))
        assert status == 200, body


BAD_EVENTS = {
    "not-json": b"not json",
    "empty-body": b"",
    "truncated": b'{"entityId":"E","message":',
    "array": b'[{"entityId":"E","message":1}]',
    "string": b'"E"',
    "empty-object": b"{}",
    "missing-message": b'{"entityId":"E"}',
    "missing-entity": b'{"message":1}',
    "empty-entity": b'{"entityId":"","message":1}',
    "entity-number": b'{"entityId":5,"message":1}',
    "entity-null": b'{"entityId":null,"message":1}',
    "entity-too-long": json.dumps({"entityId": "x" * 1025, "message": 1}).encode(),
    "entity-too-long-utf8": json.dumps({"entityId": "é" * 513, "message": 1}, ensure_ascii=False).encode(),
    "envelope-missing-message": b'{"detail":{"entityId":"E"}}',
    "envelope-not-object": b'{"detail":5}',
    "envelope-empty-entity": b'{"detail":{"entityId":"","message":1}}',
}


@pytest.mark.parametrize("body", list(BAD_EVENTS.values()), ids=list(BAD_EVENTS))
def test_bad_event_body_is_400_with_error(server, body):
    status, reply = http(server.port, "POST", "/events", body)
    assert status == 400, f"{status}: {reply!r}"
    assert isinstance(reply, dict) and isinstance(reply.get("error"), str) and reply["error"].strip(), reply


def test_event_body_of_exactly_1_mib_is_accepted(server):
    prefix = b'{"entityId":"size-limit","message":"'
    suffix = b'"}'
    body = prefix + b"x" * (ONE_MIB - len(prefix) - len(suffix)) + suffix
    assert len(body) == ONE_MIB
    status, reply = http(server.port, "POST", "/events", body, timeout=30)
    assert status == 200, reply
    assert reply["delivered"] == 0


def test_event_body_over_1_mib_is_413(server):
    body = b'{"entityId":"E","message":"' + b"x" * ONE_MIB + b'"}'
    status, _, _, _ = raw_http(server.port, request("POST", "/events", server.port, body=body), timeout=30)
    assert status == 413


def test_event_over_1_mib_announced_but_not_sent_is_413(server):
    """The Content-Length alone must be enough: the server must not wait for 100 MiB to arrive."""
    head = request("POST", "/events", server.port, headers=[f"Content-Length: {100 * ONE_MIB}"])
    # request() adds its own Content-Length: 0 for POST; keep only the announced one.
    head = head.replace(b"Content-Length: 0\r\n", b"")
    status, _, _, _ = raw_http(server.port, head + b'{"entityId":"E",', timeout=10)
    assert status == 413
