"""GET /demo over plain HTTP: the page itself, what other methods get, and that the path stays a
pub/sub endpoint for a WebSocket upgrade (DESIGN.md: any path but /echo) or with the page turned off."""

from __future__ import annotations

import re
import urllib.request

from support import RawWebSocket, ServerProcess, raw_http


def request(method: str, path: str, port: int, extra: list[str] | None = None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", *(extra or [])]
    if method == "POST":
        lines.append("Content-Length: 0")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_demo_is_a_self_contained_html_page(base_url):
    with urllib.request.urlopen(f"{base_url}/demo", timeout=10) as response:
        status, headers, body = response.status, response.headers, response.read().decode()
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert body.startswith("<!doctype html>")
    # Nothing loaded from elsewhere: every src or href is inline data.
    assert re.findall(r"""\b(?:src|href)\s*=\s*["'](?!data:)""", body) == []
    for element_id in ("connection-state", "ws-protocol", "ws-extensions", "entity-id", "subscribe",
                       "unsubscribe", "publish-form", "publish-report", "log"):
        assert f'id="{element_id}"' in body


def test_demo_with_a_query_is_the_page_too(port):
    status, headers, _, _ = raw_http(port, request("GET", "/demo?entity=a", port))
    assert status == 200
    assert headers["content-type"].startswith("text/html")


def test_post_to_demo_is_405(port):
    status, headers, _, closed = raw_http(port, request("POST", "/demo", port))
    assert status == 405
    assert headers["allow"] == "GET"
    assert closed


def test_demo_with_an_upgrade_opens_the_pubsub_endpoint(port):
    ws = RawWebSocket(port, "/demo", protocols=["websocket"])
    try:
        assert ws.subscribe("demo-upgrade") == {"status": "subscribed", "entityId": "demo-upgrade"}
    finally:
        ws.close_cleanly()


def test_demo_page_off_leaves_demo_a_websocket_path():
    server = ServerProcess("--demo-page", "off")
    try:
        status, _, _, _ = raw_http(server.port, request("GET", "/demo", server.port))
        assert status == 426
    finally:
        server.stop()
