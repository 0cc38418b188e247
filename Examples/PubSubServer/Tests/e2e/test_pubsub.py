"""The pub/sub API of the contract: subprotocol, subscribe and unsubscribe answers, delivery of
published events to exactly the subscribers, in order, to many subscribers at once."""

from __future__ import annotations

import json
import uuid

import pytest
from websockets.sync.client import connect

from conftest import nio_host_only
from support import RawWebSocket, assert_json_equal, assert_silent, publish, recv_json


def entity(prefix: str = "E") -> str:
    """A fresh entity id, so tests sharing a server never see each other's events."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def subscribe(ws, entity_id: str, action: str = "subscribe") -> None:
    ws.send(json.dumps({"action": action, "entityId": entity_id}))
    status = "subscribed" if action == "subscribe" else "unsubscribed"
    assert_json_equal(recv_json(ws), {"status": status, "entityId": entity_id})


def open_ws(server, path: str = "/", **kwargs):
    return connect(f"{server.ws_url}{path}", open_timeout=10, close_timeout=5, max_size=None, **kwargs)


MESSAGES = [
    "hello",
    {"text": "hi", "n": 1, "nested": {"list": [1, 2.5, None, True, False, "x"]}},
    42,
    -3.25,
    True,
    False,
    None,
    [],
    {},
    [1, "two", {"three": 3}],
    "unicode é 😀 \" \\ / \n \t \u0000",
    "x" * 10_000,
]


class TestWalkthrough:
    def test_selects_offered_websocket_subprotocol(self, server):
        with open_ws(server, subprotocols=["websocket"]) as ws:
            assert ws.subprotocol == "websocket"

    def test_selects_websocket_among_several_offered(self, server):
        raw = RawWebSocket(server.port, protocols=["chat", "websocket"])
        assert raw.headers.get("sec-websocket-protocol") == "websocket"
        raw.close_cleanly()

    def test_selects_no_subprotocol_when_none_offered(self, server):
        raw = RawWebSocket(server.port)
        assert "sec-websocket-protocol" not in raw.headers
        raw.close_cleanly()

    @pytest.mark.parametrize(
        "path",
        [
            "/",
            pytest.param("/pubsub", marks=nio_host_only("the hosts serve the pub/sub endpoint at / only")),
            pytest.param("/any/path?x=1", marks=nio_host_only("the hosts serve the pub/sub endpoint at / only")),
        ],
    )
    def test_sends_nothing_unsolicited_on_connect(self, server, path):
        raw = RawWebSocket(server.port, path, protocols=["websocket"])
        raw.expect_silence(0.5)
        raw.close_cleanly()

    def test_subscribe_is_acknowledged_with_exact_json(self, server):
        with open_ws(server, subprotocols=["websocket"]) as ws:
            entity_id = entity()
            ws.send(json.dumps({"action": "subscribe", "entityId": entity_id}))
            assert_json_equal(recv_json(ws), {"status": "subscribed", "entityId": entity_id})

    @pytest.mark.parametrize("message", MESSAGES, ids=lambda m: type(m).__name__)
    def test_published_event_reaches_subscriber_exactly(self, server, message):
        with open_ws(server, subprotocols=["websocket"]) as ws:
            entity_id = entity()
            subscribe(ws, entity_id)
            reply = publish(server.port, entity_id, message)
            assert (reply["delivered"], reply["gone"], reply["failed"]) == (1, 0, 0), reply
            assert_json_equal(recv_json(ws), {"entityId": entity_id, "message": message})
            assert_silent(ws)

    @pytest.mark.parametrize("message", [{"k": "v"}, "text", 7, None], ids=lambda m: type(m).__name__)
    def test_event_envelope_is_unwrapped(self, server, message):
        with open_ws(server, subprotocols=["websocket"]) as ws:
            entity_id = entity()
            subscribe(ws, entity_id)
            reply = publish(server.port, entity_id, message, envelope=True)
            assert (reply["delivered"], reply["gone"], reply["failed"]) == (1, 0, 0), reply
            assert_json_equal(recv_json(ws), {"entityId": entity_id, "message": message})

    def test_unicode_and_longest_entity_ids_work(self, server):
        with open_ws(server) as ws:
            for entity_id in ["café/ø 1 ✓", "a" * 1024, "é" * 512]:
                subscribe(ws, entity_id)
                publish(server.port, entity_id, {"for": entity_id[:8]})
                assert_json_equal(recv_json(ws), {"entityId": entity_id, "message": {"for": entity_id[:8]}})

    def test_publish_without_subscribers_delivers_nothing(self, server):
        reply = publish(server.port, entity(), "nobody")
        assert (reply["delivered"], reply["gone"], reply["failed"]) == (0, 0, 0), reply


class TestSubscriptions:
    def test_subscribing_again_answers_the_same_and_delivers_once(self, server):
        with open_ws(server) as ws:
            entity_id = entity()
            subscribe(ws, entity_id)
            subscribe(ws, entity_id)
            reply = publish(server.port, entity_id, "once")
            assert reply["delivered"] == 1, reply
            assert_json_equal(recv_json(ws), {"entityId": entity_id, "message": "once"})
            assert_silent(ws)

    def test_unsubscribe_is_acknowledged_and_stops_delivery(self, server):
        with open_ws(server) as ws:
            entity_id = entity()
            subscribe(ws, entity_id)
            ws.send(json.dumps({"action": "unsubscribe", "entityId": entity_id}))
            assert_json_equal(recv_json(ws), {"status": "unsubscribed", "entityId": entity_id})
            reply = publish(server.port, entity_id, "gone")
            assert reply["delivered"] == 0, reply
            assert_silent(ws)

    def test_unsubscribe_without_subscription_is_acknowledged(self, server):
        with open_ws(server) as ws:
            subscribe(ws, entity(), action="unsubscribe")

    def test_unsubscribe_keeps_other_subscriptions(self, server):
        with open_ws(server) as ws:
            kept, dropped = entity("kept"), entity("dropped")
            subscribe(ws, kept)
            subscribe(ws, dropped)
            subscribe(ws, dropped, action="unsubscribe")
            assert publish(server.port, dropped, 1)["delivered"] == 0
            assert publish(server.port, kept, 2)["delivered"] == 1
            assert_json_equal(recv_json(ws), {"entityId": kept, "message": 2})
            assert_silent(ws)

    def test_only_subscribers_of_the_entity_receive(self, server):
        with open_ws(server) as a, open_ws(server) as b, open_ws(server) as c:
            shared, other = entity("shared"), entity("other")
            subscribe(a, shared)
            subscribe(b, shared)
            subscribe(c, other)
            reply = publish(server.port, shared, "both")
            assert reply["delivered"] == 2, reply
            for ws in (a, b):
                assert_json_equal(recv_json(ws), {"entityId": shared, "message": "both"})
            assert_silent(c)

    def test_one_connection_receives_events_of_each_subscribed_entity(self, server):
        with open_ws(server) as ws:
            first, second = entity("first"), entity("second")
            subscribe(ws, first)
            subscribe(ws, second)
            publish(server.port, first, 1)
            publish(server.port, second, 2)
            assert_json_equal(recv_json(ws), {"entityId": first, "message": 1})
            assert_json_equal(recv_json(ws), {"entityId": second, "message": 2})


class TestFanOut:
    SUBSCRIBERS = 50
    PUBLISHES = 20

    def test_many_subscribers_each_receive_every_event_in_order(self, server):
        entity_id = entity("fan")
        clients = [open_ws(server, subprotocols=["websocket"]) for _ in range(self.SUBSCRIBERS)]
        try:
            for ws in clients:
                subscribe(ws, entity_id)
            for seq in range(self.PUBLISHES):
                reply = publish(server.port, entity_id, {"seq": seq})
                assert (reply["delivered"], reply["gone"], reply["failed"]) == (self.SUBSCRIBERS, 0, 0), reply
            for index, ws in enumerate(clients):
                received = [recv_json(ws, timeout=10)["message"]["seq"] for _ in range(self.PUBLISHES)]
                assert received == list(range(self.PUBLISHES)), f"subscriber {index} got {received}"
            for ws in clients:
                assert_silent(ws, 0.05)
        finally:
            for ws in clients:
                ws.close()
