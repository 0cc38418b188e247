"""The article's walkthrough, locally: a client connects with subprotocol `websocket`, subscribes to
myTestEntityId, the rows are in the table, an EventBridge event delivered as an SQS batch reaches it
through the @connections API; then what the article left out: a vanished client pruned on the 410,
the stale-row sweep, the partial batch response."""

from __future__ import annotations

import json
import time
import uuid

from websockets.sync.client import connect

from support import connection_ids, eventbridge_event, items, items_of, notify, post, wait_until


def subscribe(ws, entity_id: str) -> dict:
    ws.send(json.dumps({"action": "subscribe", "entityId": entity_id}))
    return json.loads(ws.recv(timeout=10))


def own_connection_id(dynamodb, table: str, entity_id: str) -> str:
    [item] = [item for item in items(dynamodb, table) if item.get("entityId", {}).get("S") == entity_id]
    return item["connectionId"]["S"]


def plant(dynamodb, table: str, connection_id: str, entity_id: str, last_active: float) -> None:
    """Rows of a client that vanished without $disconnect, as the handler writes them."""
    dynamodb.put_item(TableName=table, Item={
        "connectionId": {"S": connection_id}, "sk": {"S": "connection"}, "ipAddress": {"S": "203.0.113.9"},
        "remoteAddress": {"S": "203.0.113.9"}, "connectedAt": {"N": str(last_active)},
        "lastActiveAt": {"N": str(last_active)}, "attributes": {"S": "{}"}, "subscriptionCount": {"N": "1"}})
    dynamodb.put_item(TableName=table, Item={
        "connectionId": {"S": connection_id}, "sk": {"S": f"subscription#{entity_id}"},
        "entityId": {"S": entity_id}})


def test_the_articles_walkthrough(emulator, dynamodb):
    with connect(emulator.ws_url, subprotocols=["websocket"]) as ws:
        assert ws.subprotocol == "websocket"
        assert subscribe(ws, "myTestEntityId") == {"status": "subscribed", "entityId": "myTestEntityId"}

        # "there are two entries present: a connection entry and a subscription entry"
        connection_id = own_connection_id(dynamodb, emulator.table, "myTestEntityId")
        rows = {item["sk"]["S"]: item for item in items_of(dynamodb, emulator.table, connection_id)}
        assert set(rows) == {"connection", "subscription#myTestEntityId"}
        assert rows["connection"]["ipAddress"]["S"] == "127.0.0.1"
        assert abs(float(rows["connection"]["connectedAt"]["N"]) - time.time()) < 60
        assert rows["subscription#myTestEntityId"]["entityId"]["S"] == "myTestEntityId"

        # The EventBridge event, through SQS, to the subscriber by way of @connections.
        failures = notify(emulator, ("m-1", eventbridge_event("myTestEntityId", "Hello world")))
        assert failures == []
        assert json.loads(ws.recv(timeout=10)) == {"entityId": "myTestEntityId", "message": "Hello world"}


def test_a_vanished_client_is_pruned_on_the_410(emulator, dynamodb):
    entity = "entity-" + uuid.uuid4().hex[:8]
    with connect(emulator.ws_url, subprotocols=["websocket"]) as ws:
        subscribe(ws, entity)
        plant(dynamodb, emulator.table, "vanished-" + uuid.uuid4().hex[:8], entity, time.time())
        vanished = [i for i in connection_ids(dynamodb, emulator.table) if i.startswith("vanished-")]
        assert len(vanished) == 1

        assert notify(emulator, ("m-2", eventbridge_event(entity, {"score": 3}))) == []
        assert json.loads(ws.recv(timeout=10)) == {"entityId": entity, "message": {"score": 3}}
        # Every item of the gone connection left the table; the live one kept its own.
        assert items_of(dynamodb, emulator.table, vanished[0]) == []
        live = own_connection_id(dynamodb, emulator.table, entity)
        assert {item["sk"]["S"] for item in items_of(dynamodb, emulator.table, live)} == {
            "connection", f"subscription#{entity}"}


def test_the_stale_row_sweep_removes_what_disconnect_missed(emulator, dynamodb):
    entity = "entity-" + uuid.uuid4().hex[:8]
    stale = "stale-" + uuid.uuid4().hex[:8]
    with connect(emulator.ws_url, subprotocols=["websocket"]) as ws:
        subscribe(ws, entity)
        plant(dynamodb, emulator.table, stale, entity, time.time() - 3 * 3600)
        status, body = post(emulator.http_url + "/invoke/sweep?ttl=3600", b"")
        assert status == 200, body
        assert json.loads(body)["swept"] >= 1
        assert items_of(dynamodb, emulator.table, stale) == []
        # The live client, active a moment ago, is kept.
        live = own_connection_id(dynamodb, emulator.table, entity)
        assert len(items_of(dynamodb, emulator.table, live)) == 2


def test_only_records_to_retry_are_named(emulator, dynamodb):
    entity = "entity-" + uuid.uuid4().hex[:8]
    with connect(emulator.ws_url, subprotocols=["websocket"]) as ws:
        subscribe(ws, entity)
        failures = notify(
            emulator,
            ("ok", eventbridge_event(entity, 1)),
            ("not-an-event", "hello"),
            ("no-entity", json.dumps({"detail": {"message": 1}})),
            ("nobody-subscribed", eventbridge_event("entity-nobody", 2)),
        )
        assert failures == ["not-an-event", "no-entity"]
        assert json.loads(ws.recv(timeout=10)) == {"entityId": entity, "message": 1}


def test_unsubscribe_and_disconnect_remove_the_rows(emulator, dynamodb):
    entity = "entity-" + uuid.uuid4().hex[:8]
    with connect(emulator.ws_url, subprotocols=["websocket"]) as ws:
        subscribe(ws, entity)
        connection_id = own_connection_id(dynamodb, emulator.table, entity)
        subscribe(ws, entity + "-b")
        ws.send(json.dumps({"action": "unsubscribe", "entityId": entity}))
        assert json.loads(ws.recv(timeout=10)) == {"status": "unsubscribed", "entityId": entity}
        assert {item["sk"]["S"] for item in items_of(dynamodb, emulator.table, connection_id)} == {
            "connection", f"subscription#{entity}-b"}
    # $disconnect: every item of the connection leaves the table.
    assert wait_until(lambda: items_of(dynamodb, emulator.table, connection_id) == [])


def test_application_errors_are_replies_not_closes(emulator):
    with connect(emulator.ws_url, subprotocols=["websocket"]) as ws:
        ws.send(json.dumps({"action": "sendmessage", "text": "hi"}))
        assert "error" in json.loads(ws.recv(timeout=10))
        ws.send("{not json")
        assert "error" in json.loads(ws.recv(timeout=10))
        ws.send(json.dumps({"action": "subscribe", "entityId": ""}))
        assert "error" in json.loads(ws.recv(timeout=10))
        assert subscribe(ws, "still-open")["status"] == "subscribed"


def test_replies_can_go_through_the_connections_api():
    from conftest import Emulator

    emulator = Emulator("--replies", "connections")
    try:
        with connect(emulator.ws_url, subprotocols=["websocket"]) as ws:
            assert subscribe(ws, "myTestEntityId") == {"status": "subscribed", "entityId": "myTestEntityId"}
            ws.send(json.dumps({"action": "nope"}))
            assert "error" in json.loads(ws.recv(timeout=10))
    finally:
        emulator.stop()
