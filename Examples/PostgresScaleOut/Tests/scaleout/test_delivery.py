"""Delivery across nodes: a publish to any node reaches the subscribers on every node, exactly, in
the publisher's order, whatever the message's size (PostgreSQL's NOTIFY carries under 8000 bytes),
and the report counts what every node did."""

from __future__ import annotations

import json

import pytest

from support import (
    assert_report,
    assert_silent,
    encode_event,
    entity,
    expect_event,
    publish,
    recv_json,
    subscribe,
    unsubscribe,
    wait_for_stats,
)


def test_publish_reaches_subscribers_on_both_nodes(cluster):
    on_a, on_b = cluster.connect(cluster.a), cluster.connect(cluster.b)
    entity_id = entity()
    subscribe(on_a, entity_id)
    subscribe(on_b, entity_id)
    message = {"text": "hello", "n": 1, "nested": [1, 2.5, None, True, False, "x"]}

    reply = publish(cluster.b, entity_id, message)

    assert_report(reply, recipients=2, delivered=2, nodes=2, nodesAnswered=2)
    expect_event(on_a, entity_id, message)
    expect_event(on_b, entity_id, message)
    assert_silent(on_a)
    assert_silent(on_b)


def test_publish_reaches_subscribers_of_one_node_only(cluster):
    """The other node answers too, having nobody to deliver to; clients of other entities get nothing."""
    bystander, subscriber = cluster.connect(cluster.a), cluster.connect(cluster.b)
    entity_id = entity()
    subscribe(bystander, entity("other"))
    subscribe(subscriber, entity_id)

    for publisher in (cluster.a, cluster.b):
        reply = publish(publisher, entity_id, f"via {publisher.name}")
        assert_report(reply, recipients=1, delivered=1, nodes=2, nodesAnswered=2)
        expect_event(subscriber, entity_id, f"via {publisher.name}")
    assert_silent(bystander)
    assert_silent(subscriber)


def test_unsubscribe_is_seen_by_every_node(cluster):
    on_a, on_b = cluster.connect(cluster.a), cluster.connect(cluster.b)
    entity_id = entity()
    subscribe(on_a, entity_id)
    subscribe(on_b, entity_id)
    wait_for_stats([cluster.a, cluster.b], (2, 2))

    unsubscribe(on_a, entity_id)
    wait_for_stats([cluster.a, cluster.b], (2, 1))
    for publisher in (cluster.b, cluster.a):
        reply = publish(publisher, entity_id, f"after unsubscribe via {publisher.name}")
        assert_report(reply, recipients=1, delivered=1, nodes=2, nodesAnswered=2)
        expect_event(on_b, entity_id, f"after unsubscribe via {publisher.name}")
    assert_silent(on_a)

    unsubscribe(on_b, entity_id)
    reply = publish(cluster.a, entity_id, "nobody")
    assert_report(reply, recipients=0, delivered=0, nodes=2, nodesAnswered=2)
    assert_silent(on_a)
    assert_silent(on_b)


def _digits(size: int) -> str:
    """Text in which a lost, doubled or shifted chunk shows: numbered seven-character cells."""
    return "".join(f"{i:06d}," for i in range(size // 7 + 1))[:size]


LARGE_MESSAGES = {
    "ascii-100KB": _digits(100_000),
    "utf8-100KB": "é😀中ß-" * 8_000,
    "escapes-20KB": '"\\/\n\t\r\b\f\u0000\u001f\u007f\u2028\u2029' * 1_500,
    "object-60KB": {
        "items": [
            {"i": i, "name": f"item {i} ü", "even": i % 2 == 0, "none": None, "half": i + 0.5, "neg": -i}
            for i in range(1_000)
        ]
    },
}


@pytest.mark.parametrize("publisher", ["a", "b"])
@pytest.mark.parametrize("name", list(LARGE_MESSAGES))
def test_large_message_reaches_both_nodes_exactly(cluster, name, publisher):
    message = LARGE_MESSAGES[name]
    assert len(encode_event("E", message)) > 8_000
    on_a, on_b = cluster.connect(cluster.a), cluster.connect(cluster.b)
    entity_id = entity()
    subscribe(on_a, entity_id)
    subscribe(on_b, entity_id)

    reply = publish(getattr(cluster, publisher), entity_id, message)

    assert_report(reply, recipients=2, delivered=2, nodes=2, nodesAnswered=2)
    for ws in (on_a, on_b):
        received = recv_json(ws)
        assert received.get("entityId") == entity_id, received.get("entityId")
        # Compared as text, so that any changed character shows, whatever the node did to key order.
        got, want = (json.dumps(m, ensure_ascii=False, sort_keys=True) for m in (received["message"], message))
        assert got == want, f"{len(got)} characters arrived where {len(want)} were sent; first difference at " + str(
            next((i for i, (x, y) in enumerate(zip(got, want)) if x != y), min(len(got), len(want)))
        )
        assert_silent(ws)


def _message_of_body_size(entity_id: str, size: int, filler: str, *, ascii_escaped: bool = False) -> str:
    """A string message whose POST /events body is `size` bytes: raw UTF-8, or with every non-ASCII
    character escaped as JSON \\u sequences when `ascii_escaped` (the other way a node may encode it).
    Filler characters as far as they fit, then ASCII to the exact size."""

    def body_size(text: str) -> int:
        if ascii_escaped:
            return len(json.dumps({"entityId": entity_id, "message": text}, separators=(",", ":")))
        return len(encode_event(entity_id, text))

    unit = body_size(filler) - body_size("")
    text = filler * ((size - body_size("")) // unit)
    return text + "a" * (size - body_size(text))


def near_notify_limit(entity_id: str) -> list[str]:
    messages = [_message_of_body_size(entity_id, size, "a") for size in range(7_900, 8_101, 5)]
    for filler in ("é", "😀", "中"):
        messages += [_message_of_body_size(entity_id, size, filler) for size in range(7_900, 8_101, 10)]
        messages += [
            _message_of_body_size(entity_id, size, filler, ascii_escaped=True) for size in range(7_900, 8_101, 10)
        ]
    return messages


def test_messages_around_the_notify_limit_reach_both_nodes_exactly(cluster):
    """Bodies of 7900 to 8100 bytes, ASCII and not, through each node in turn: one of them crosses
    whatever threshold the node uses to choose between NOTIFY and a stored body."""
    on_a, on_b = cluster.connect(cluster.a), cluster.connect(cluster.b)
    entity_id = entity("L")
    subscribe(on_a, entity_id)
    subscribe(on_b, entity_id)
    messages = near_notify_limit(entity_id)
    for index, message in enumerate(messages):
        publisher = cluster.a if index % 2 else cluster.b
        size = len(encode_event(entity_id, message))
        reply = publish(publisher, entity_id, message)
        assert_report(reply, recipients=2, delivered=2, nodes=2, nodesAnswered=2)
        for ws, where in ((on_a, "node-a"), (on_b, "node-b")):
            received = recv_json(ws)
            assert received == {"entityId": entity_id, "message": message}, (
                f"the {size}-byte body published through {publisher.name} reached {where} changed: "
                f"{len(json.dumps(received, ensure_ascii=False))} characters"
            )
    assert_silent(on_a)
    assert_silent(on_b)


def test_sequential_publishes_through_one_node_arrive_in_order_everywhere(cluster):
    count = 100
    clients = [cluster.connect(cluster.a), cluster.connect(cluster.a), cluster.connect(cluster.b)]
    clients.append(cluster.connect(cluster.b))
    entity_id = entity("seq")
    for ws in clients:
        subscribe(ws, entity_id)
    for seq in range(count):
        reply = publish(cluster.b, entity_id, {"seq": seq})
        assert_report(reply, recipients=4, delivered=4, nodes=2, nodesAnswered=2)
    for index, ws in enumerate(clients):
        received = [recv_json(ws, timeout=10)["message"]["seq"] for _ in range(count)]
        where = "node-a" if index < 2 else "node-b"
        assert received == list(range(count)), f"subscriber {index} on {where} got {received}"
        assert_silent(ws, 0.1)
