"""The @connections management API as boto3 calls it on AWS, and the limits API Gateway documents."""

from __future__ import annotations

import json
import os
import signal
import time
import uuid

import pytest
from botocore.exceptions import ClientError
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from conftest import Emulator
from support import items, items_of, post, wait_until


def connected(emulator, dynamodb):
    """A client and its connection id (read from the rows its subscribe wrote)."""
    ws = connect(emulator.ws_url, subprotocols=["websocket"])
    entity = "entity-" + uuid.uuid4().hex[:8]
    ws.send(json.dumps({"action": "subscribe", "entityId": entity}))
    ws.recv(timeout=10)
    [item] = [item for item in items(dynamodb, emulator.table) if item.get("entityId", {}).get("S") == entity]
    return ws, item["connectionId"]["S"]


def close_code(ws, timeout: float = 10) -> int:
    deadline = time.monotonic() + timeout
    with pytest.raises(ConnectionClosed) as closed:
        while time.monotonic() < deadline:
            ws.recv(timeout=timeout)
    return closed.value.rcvd.code if closed.value.rcvd else None


def test_post_get_and_delete_as_boto3_calls_them(emulator, dynamodb, management):
    ws, connection_id = connected(emulator, dynamodb)
    management.post_to_connection(ConnectionId=connection_id, Data=b'{"direct":true}')
    assert json.loads(ws.recv(timeout=10)) == {"direct": True}

    info = management.get_connection(ConnectionId=connection_id)
    assert info["Identity"]["SourceIp"] == "127.0.0.1"
    assert info["ConnectedAt"] <= info["LastActiveAt"]

    management.delete_connection(ConnectionId=connection_id)
    assert close_code(ws) is not None
    # DELETE ran $disconnect: the rows are gone.
    assert wait_until(lambda: items_of(dynamodb, emulator.table, connection_id) == [])
    with pytest.raises(ClientError) as gone:
        management.post_to_connection(ConnectionId=connection_id, Data=b"late")
    assert gone.value.response["ResponseMetadata"]["HTTPStatusCode"] == 410


@pytest.mark.parametrize("call", ["post", "get", "delete"])
def test_an_unknown_connection_is_410(management, call):
    with pytest.raises(ClientError) as gone:
        if call == "post":
            management.post_to_connection(ConnectionId="no-such-connection", Data=b"x")
        elif call == "get":
            management.get_connection(ConnectionId="no-such-connection")
        else:
            management.delete_connection(ConnectionId="no-such-connection")
    assert gone.value.response["ResponseMetadata"]["HTTPStatusCode"] == 410


def test_an_unsigned_request_is_403(emulator, dynamodb):
    ws, connection_id = connected(emulator, dynamodb)
    status, _ = post(f"{emulator.http_url}/@connections/{connection_id}", b"unsigned")
    assert status == 403
    ws.close()


def test_a_frame_over_32_kb_closes_with_1009(emulator):
    with connect(emulator.ws_url, subprotocols=["websocket"], max_size=None) as ws:
        ws.send(json.dumps({"action": "x", "pad": "a" * (33 * 1024)}))
        assert close_code(ws) == 1009


def test_a_message_over_128_kb_in_small_frames_closes_with_1009(emulator):
    with connect(emulator.ws_url, subprotocols=["websocket"], max_size=None) as ws:
        ws.send(("a" * 16 * 1024) for _ in range(9))
        assert close_code(ws) == 1009


def test_a_message_under_128_kb_in_small_frames_is_handled(emulator):
    with connect(emulator.ws_url, subprotocols=["websocket"], max_size=None) as ws:
        text = json.dumps({"action": "nope", "pad": "a" * (100 * 1024)})
        ws.send(text[i:i + 16 * 1024] for i in range(0, len(text), 16 * 1024))
        assert "error" in json.loads(ws.recv(timeout=10))


def test_an_idle_connection_closes_with_1001(limited_emulator):
    with connect(limited_emulator.ws_url, subprotocols=["websocket"]) as ws:
        started = time.monotonic()
        assert close_code(ws) == 1001
        assert 0.5 < time.monotonic() - started < 5


def test_a_busy_connection_still_closes_with_1001_at_its_lifetime(limited_emulator):
    with connect(limited_emulator.ws_url, subprotocols=["websocket"]) as ws:
        started = time.monotonic()
        with pytest.raises(ConnectionClosed) as closed:
            while time.monotonic() - started < 10:
                ws.send(json.dumps({"action": "subscribe", "entityId": "keep-alive"}))
                ws.recv(timeout=5)
                time.sleep(0.3)
        assert closed.value.rcvd.code == 1001
        assert 2 < time.monotonic() - started < 6


def test_sigterm_closes_clients_with_1001_and_exits_within_5_seconds(dynamodb):
    emulator = Emulator()
    try:
        ws = connect(emulator.ws_url, subprotocols=["websocket"])
        started = time.monotonic()
        os.killpg(emulator.process.pid, signal.SIGTERM)
        assert close_code(ws) == 1001
        emulator.process.wait(5)
        assert time.monotonic() - started < 5
    finally:
        emulator.stop()
