"""Connection and subscription counts in /stats, and their clean-up when a client goes away by a
close frame, by a reset, or by a TCP close without a close frame. Each test runs its own server so
that the counts are exact."""

from __future__ import annotations

from support import RawWebSocket, assert_json_equal, publish, stats, wait_for_stats


def test_fresh_server_has_no_connections(fresh_server):
    counts = stats(fresh_server.port)
    assert (counts["connections"], counts["subscriptions"]) == (0, 0), counts


def test_counts_follow_subscriptions_and_every_kind_of_disconnect(fresh_server):
    port = fresh_server.port
    a, b, c, d = (RawWebSocket(port, protocols=["websocket"]) for _ in range(4))
    assert_json_equal(a.subscribe("A"), {"status": "subscribed", "entityId": "A"})
    assert_json_equal(a.subscribe("B"), {"status": "subscribed", "entityId": "B"})
    assert_json_equal(b.subscribe("A"), {"status": "subscribed", "entityId": "A"})
    assert_json_equal(c.subscribe("C"), {"status": "subscribed", "entityId": "C"})
    wait_for_stats(port, connections=4, subscriptions=4)

    # Subscribing again changes nothing; unsubscribing removes one pair.
    a.subscribe("A")
    wait_for_stats(port, connections=4, subscriptions=4)
    a.subscribe("B", action="unsubscribe")
    wait_for_stats(port, connections=4, subscriptions=3)

    # A close handshake removes the connection and its subscriptions.
    b.close_cleanly()
    wait_for_stats(port, connections=3, subscriptions=2)

    # So does a reset (a client that crashed) ...
    c.abort()
    wait_for_stats(port, connections=2, subscriptions=1)

    # ... and a TCP close without a close frame.
    d.close_socket()
    wait_for_stats(port, connections=1, subscriptions=1)

    reply = publish(port, "A", "left")
    assert (reply["delivered"], reply["gone"], reply["failed"]) == (1, 0, 0), reply
    assert_json_equal(a.recv_json(), {"entityId": "A", "message": "left"})
    a.abort()
    wait_for_stats(port, connections=0, subscriptions=0)


def test_connection_closed_by_protocol_error_is_cleaned_up(fresh_server):
    port = fresh_server.port
    raw = RawWebSocket(port)
    raw.subscribe("X")
    wait_for_stats(port, connections=1, subscriptions=1)
    raw.send_text(b"\xff")
    assert raw.expect_close()[0] == 1007
    wait_for_stats(port, connections=0, subscriptions=0)


def test_many_connections_are_counted_and_released(fresh_server):
    port = fresh_server.port
    clients = [RawWebSocket(port) for _ in range(200)]
    for i, client in enumerate(clients[:100]):
        client.subscribe(f"entity-{i % 10}")
    wait_for_stats(port, connections=200, subscriptions=100)
    assert publish(port, "entity-3", "ten")["delivered"] == 10
    for client in clients:
        client.abort()
    wait_for_stats(port, connections=0, subscriptions=0, timeout=10)
