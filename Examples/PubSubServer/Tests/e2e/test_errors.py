"""Application errors on the pub/sub API: each is answered with {"error": "..."} and never closes the
connection, and none of them subscribes anything."""

from __future__ import annotations

import json
import uuid

import pytest

from conftest import LIMITED_MAX_SUBSCRIPTIONS
from support import OP_TEXT, RawWebSocket, assert_json_equal, publish

CASES = {
    # malformed or truncated JSON
    "truncated-object": '{"action":"subscribe","entityId":"E"',
    "truncated-after-comma": '{"action":"subscribe",',
    "truncated-string": '{"action":"subscr',
    "not-json": "not json",
    "empty-text": "",
    "whitespace-only": "   ",
    "single-quotes": "{'action':'subscribe','entityId':'E'}",
    "trailing-garbage": '{"action":"subscribe","entityId":"E"} x',
    "unquoted-key": '{action:"subscribe","entityId":"E"}',
    # not an object
    "array": "[]",
    "array-of-object": '[{"action":"subscribe","entityId":"E"}]',
    "string": '"subscribe"',
    "number": "42",
    "null": "null",
    "true": "true",
    # action missing, duplicated or not a string
    "empty-object": "{}",
    "missing-action": '{"entityId":"E"}',
    "duplicated-action-same": '{"action":"subscribe","action":"subscribe","entityId":"E"}',
    "duplicated-action-different": '{"action":"subscribe","entityId":"E","action":"unsubscribe"}',
    "action-number": '{"action":1,"entityId":"E"}',
    "action-null": '{"action":null,"entityId":"E"}',
    "action-bool": '{"action":true,"entityId":"E"}',
    "action-array": '{"action":["subscribe"],"entityId":"E"}',
    "action-object": '{"action":{"name":"subscribe"},"entityId":"E"}',
    # unknown actions go to $default
    "unknown-action": '{"action":"dance","entityId":"E"}',
    "action-wrong-case": '{"action":"Subscribe","entityId":"E"}',
    "action-empty": '{"action":"","entityId":"E"}',
    # entityId missing, empty, not a string or too long
    "subscribe-missing-entity": '{"action":"subscribe"}',
    "unsubscribe-missing-entity": '{"action":"unsubscribe"}',
    "subscribe-empty-entity": '{"action":"subscribe","entityId":""}',
    "unsubscribe-empty-entity": '{"action":"unsubscribe","entityId":""}',
    "entity-number": '{"action":"subscribe","entityId":5}',
    "entity-null": '{"action":"subscribe","entityId":null}',
    "entity-bool": '{"action":"subscribe","entityId":true}',
    "entity-array": '{"action":"subscribe","entityId":["E"]}',
    "entity-object": '{"action":"subscribe","entityId":{"id":"E"}}',
    "unsubscribe-entity-number": '{"action":"unsubscribe","entityId":5}',
    "entity-1025-ascii-bytes": json.dumps({"action": "subscribe", "entityId": "x" * 1025}),
    # 513 characters but 1026 bytes of UTF-8: the limit is on bytes
    "entity-1026-utf8-bytes": json.dumps({"action": "subscribe", "entityId": "é" * 513}, ensure_ascii=False),
    "unsubscribe-entity-too-long": json.dumps({"action": "unsubscribe", "entityId": "x" * 1025}),
}


def assert_error_reply(raw: RawWebSocket) -> dict:
    opcode, payload = raw.recv_message(timeout=5)
    assert opcode == OP_TEXT, f"the error reply must be a text message, got opcode {opcode}: {payload!r}"
    reply = json.loads(payload.decode())
    assert isinstance(reply, dict), f"the error reply must be a JSON object: {reply!r}"
    assert isinstance(reply.get("error"), str) and reply["error"].strip(), f"no error text: {reply!r}"
    assert "status" not in reply, f"an error reply must not claim a status: {reply!r}"
    return reply


def assert_still_usable(raw: RawWebSocket, port: int) -> None:
    """The connection stays open after an error: a subscribe still works and receives events."""
    entity_id = f"after-error-{uuid.uuid4().hex[:12]}"
    assert_json_equal(raw.subscribe(entity_id), {"status": "subscribed", "entityId": entity_id})
    assert publish(port, entity_id, "still here")["delivered"] == 1
    assert_json_equal(raw.recv_json(), {"entityId": entity_id, "message": "still here"})


@pytest.mark.parametrize("text", list(CASES.values()), ids=list(CASES))
def test_invalid_request_gets_error_and_connection_stays_open(server, text):
    raw = RawWebSocket(server.port, protocols=["websocket"])
    raw.send_text(text)
    assert_error_reply(raw)
    assert_still_usable(raw, server.port)
    raw.close_cleanly()


def test_errors_subscribe_nothing(server):
    """A rejected subscribe (here a binary one, and a duplicated action) must not subscribe."""
    entity_id = f"never-{uuid.uuid4().hex[:12]}"
    raw = RawWebSocket(server.port)
    raw.send_binary(json.dumps({"action": "subscribe", "entityId": entity_id}).encode())
    assert_error_reply(raw)
    raw.send_text('{"action":"unsubscribe","entityId":"%s","action":"subscribe"}' % entity_id)
    assert_error_reply(raw)
    assert publish(server.port, entity_id, "nobody")["delivered"] == 0
    raw.expect_silence()
    raw.close_cleanly()


@pytest.mark.parametrize(
    "payload",
    [b'{"action":"subscribe","entityId":"E"}', b"\x00\x01\xff", b""],
    ids=["json-bytes", "random-bytes", "empty"],
)
def test_binary_message_gets_error_and_connection_stays_open(server, payload):
    raw = RawWebSocket(server.port, protocols=["websocket"])
    raw.send_binary(payload)
    assert_error_reply(raw)
    assert_still_usable(raw, server.port)
    raw.close_cleanly()


def test_many_errors_in_a_row_keep_the_connection(server):
    raw = RawWebSocket(server.port)
    for text in list(CASES.values()) * 3:
        raw.send_text(text)
    for _ in range(len(CASES) * 3):
        assert_error_reply(raw)
    assert_still_usable(raw, server.port)
    raw.close_cleanly()


def test_subscription_over_the_limit_is_refused(limited_server):
    port = limited_server.port
    raw = RawWebSocket(port)
    prefix = uuid.uuid4().hex[:8]
    entities = [f"{prefix}-{i}" for i in range(LIMITED_MAX_SUBSCRIPTIONS + 1)]
    for entity_id in entities[:-1]:
        assert_json_equal(raw.subscribe(entity_id), {"status": "subscribed", "entityId": entity_id})

    raw.send_text(json.dumps({"action": "subscribe", "entityId": entities[-1]}))
    assert_error_reply(raw)
    assert publish(port, entities[-1], "over")["delivered"] == 0

    # Subscribing again to a held entity adds nothing, so it is answered as usual at the limit.
    assert_json_equal(raw.subscribe(entities[0]), {"status": "subscribed", "entityId": entities[0]})
    assert publish(port, entities[0], "held")["delivered"] == 1
    assert_json_equal(raw.recv_json(), {"entityId": entities[0], "message": "held"})

    # Freeing one makes room for another.
    assert_json_equal(
        raw.subscribe(entities[0], action="unsubscribe"), {"status": "unsubscribed", "entityId": entities[0]}
    )
    assert_json_equal(raw.subscribe(entities[-1]), {"status": "subscribed", "entityId": entities[-1]})
    assert publish(port, entities[-1], "room")["delivered"] == 1
    assert_json_equal(raw.recv_json(), {"entityId": entities[-1], "message": "room"})
    raw.close_cleanly()


def test_subscription_limit_is_per_connection(limited_server):
    port = limited_server.port
    prefix = uuid.uuid4().hex[:8]
    first, second = RawWebSocket(port), RawWebSocket(port)
    for client in (first, second):
        for i in range(LIMITED_MAX_SUBSCRIPTIONS):
            entity_id = f"{prefix}-{i}"
            assert_json_equal(client.subscribe(entity_id), {"status": "subscribed", "entityId": entity_id})
    assert publish(port, f"{prefix}-0", 1)["delivered"] == 2
    first.close_cleanly()
    second.close_cleanly()
