"""History and recovery (DESIGN.md, "Contract: history and recovery"), against every host: offsets
and epochs on every envelope, the position in the subscribe answer, `since` replaying exactly what a
client missed, and the cases where it cannot (another epoch, a trimmed offset, an expired message, a
restart)."""

from __future__ import annotations

import json
import threading
import time
import uuid

import pytest
from websockets.sync.client import connect

from conftest import _start
from support import assert_silent, http, publish, recv_json


def entity() -> str:
    return f"H-{uuid.uuid4().hex[:12]}"


def subscribe(ws, entity_id: str, since: dict | None = None) -> dict:
    request = {"action": "subscribe", "entityId": entity_id}
    if since is not None:
        request["since"] = since
    ws.send(json.dumps(request))
    answer = recv_json(ws)
    assert answer.get("status") == "subscribed" and answer.get("entityId") == entity_id, answer
    assert type(answer.get("offset")) is int and answer["offset"] >= 0, answer
    assert isinstance(answer.get("epoch"), str) and answer["epoch"], answer
    return answer


@pytest.fixture(scope="module")
def history_server():
    process = _start("--history-size", "100", "--history-ttl", "300")
    yield process
    process.stop()


@pytest.fixture(scope="module")
def small_history_server():
    process = _start("--history-size", "3")
    yield process
    process.stop()


def test_every_envelope_and_publish_answer_carries_offset_and_epoch(history_server):
    port, entity_id = history_server.port, entity()
    with connect(history_server.ws_url) as ws:
        answer = subscribe(ws, entity_id)
        assert answer["offset"] == 0 and "recovered" not in answer, answer
        replies = [publish(port, entity_id, {"n": n}) for n in range(1, 4)]
        assert [reply["offset"] for reply in replies] == [1, 2, 3], replies
        assert {reply["epoch"] for reply in replies} == {answer["epoch"]}, replies
        for n in range(1, 4):
            assert recv_json(ws) == {"entityId": entity_id, "message": {"n": n}, "offset": n, "epoch": answer["epoch"]}


def test_a_client_that_drops_gets_exactly_the_five_it_missed_then_live_ones(history_server):
    port, entity_id = history_server.port, entity()
    with connect(history_server.ws_url) as ws:
        epoch = subscribe(ws, entity_id)["epoch"]
        publish(port, entity_id, "before")
        seen = recv_json(ws)
        assert seen["offset"] == 1, seen
    for n in range(5):
        publish(port, entity_id, f"missed-{n}")
    with connect(history_server.ws_url) as ws:
        answer = subscribe(ws, entity_id, {"offset": seen["offset"], "epoch": epoch})
        assert answer == {"status": "subscribed", "entityId": entity_id, "offset": 6, "epoch": epoch, "recovered": True}
        replayed = [recv_json(ws) for _ in range(5)]
        assert [m["offset"] for m in replayed] == [2, 3, 4, 5, 6], replayed
        assert [m["message"] for m in replayed] == [f"missed-{n}" for n in range(5)], replayed
        assert_silent(ws)
        publish(port, entity_id, "live")
        assert recv_json(ws) == {"entityId": entity_id, "message": "live", "offset": 7, "epoch": epoch}


def test_another_epoch_is_not_recovered_but_the_subscription_is_made(history_server):
    port, entity_id = history_server.port, entity()
    publish(port, entity_id, 1)
    with connect(history_server.ws_url) as ws:
        answer = subscribe(ws, entity_id, {"offset": 0, "epoch": "not-the-epoch"})
        assert answer["recovered"] is False and answer["offset"] == 1, answer
        assert_silent(ws)
        publish(port, entity_id, 2)
        assert recv_json(ws)["offset"] == 2


def test_an_offset_above_the_latest_is_not_recovered(history_server):
    port, entity_id = history_server.port, entity()
    epoch = publish(port, entity_id, 1)["epoch"]
    with connect(history_server.ws_url) as ws:
        answer = subscribe(ws, entity_id, {"offset": 5, "epoch": epoch})
        assert answer["recovered"] is False and answer["offset"] == 1, answer
        assert_silent(ws)


def test_an_offset_already_trimmed_is_not_recovered(small_history_server):
    port, entity_id = small_history_server.port, entity()
    epoch = [publish(port, entity_id, n) for n in range(1, 7)][-1]["epoch"]
    with connect(small_history_server.ws_url) as ws:
        answer = subscribe(ws, entity_id, {"offset": 1, "epoch": epoch})
        assert answer["recovered"] is False and answer["offset"] == 6, answer
        assert_silent(ws)
        kept = subscribe(ws, entity_id, {"offset": 3, "epoch": epoch})
        assert kept["recovered"] is True, kept
        assert [recv_json(ws)["offset"] for _ in range(3)] == [4, 5, 6]


def test_a_message_older_than_the_ttl_is_no_longer_replayed():
    process = _start("--history-size", "10", "--history-ttl", "1")
    try:
        port, entity_id = process.port, entity()
        epoch = publish(port, entity_id, "old")["epoch"]
        time.sleep(1.5)
        publish(port, entity_id, "new")
        with connect(process.ws_url) as ws:
            expired = subscribe(ws, entity_id, {"offset": 0, "epoch": epoch})
            assert expired["recovered"] is False and expired["offset"] == 2, expired
            assert_silent(ws)
            fresh = subscribe(ws, entity_id, {"offset": 1, "epoch": epoch})
            assert fresh["recovered"] is True, fresh
            assert recv_json(ws)["message"] == "new"
    finally:
        process.stop()


@pytest.mark.parametrize(
    "since",
    [
        3,
        "yesterday",
        None,
        [1, "e"],
        {"offset": -1, "epoch": "e"},
        {"offset": 1.5, "epoch": "e"},
        {"offset": "1", "epoch": "e"},
        {"offset": 1, "epoch": 7},
        {"offset": 1},
        {"epoch": "e"},
    ],
)
def test_a_malformed_since_is_an_error_reply_and_subscribes_nothing(history_server, since):
    port, entity_id = history_server.port, entity()
    with connect(history_server.ws_url) as ws:
        ws.send(json.dumps({"action": "subscribe", "entityId": entity_id, "since": since}))
        reply = recv_json(ws)
        assert isinstance(reply.get("error"), str) and reply["error"], reply
        assert reply.get("code") == "invalid_since", reply
        assert publish(port, entity_id, 1)["recipients"] == 0
        assert_silent(ws)
        # The connection stays open and usable.
        assert subscribe(ws, entity_id)["offset"] == 1


def test_resubscribing_on_the_same_connection_replays_what_it_says_it_missed(history_server):
    port, entity_id = history_server.port, entity()
    with connect(history_server.ws_url) as ws:
        epoch = subscribe(ws, entity_id)["epoch"]
        for n in range(1, 4):
            publish(port, entity_id, n)
        assert [recv_json(ws)["offset"] for _ in range(3)] == [1, 2, 3]
        again = subscribe(ws, entity_id, {"offset": 1, "epoch": epoch})
        assert again["recovered"] is True and again["offset"] == 3, again
        assert [recv_json(ws)["offset"] for _ in range(2)] == [2, 3]
        publish(port, entity_id, 4)
        assert recv_json(ws)["offset"] == 4


def test_recovery_racing_with_a_stream_of_publishes_misses_nothing_and_repeats_nothing():
    # A history larger than the stream: however far the publisher gets before the client is back,
    # offset 2 is still kept, so the recovery must succeed and the test checks only the race.
    total = 300
    process = _start("--history-size", str(total + 10))
    try:
        _race(process, total)
    finally:
        process.stop()


def _race(server, total: int) -> None:
    port, entity_id = server.port, entity()
    with connect(server.ws_url) as ws:
        epoch = subscribe(ws, entity_id)["epoch"]
    publish(port, entity_id, 0)
    stop = threading.Event()

    def publisher():
        for n in range(1, total):
            if stop.is_set():
                return
            publish(port, entity_id, n)

    thread = threading.Thread(target=publisher)
    thread.start()
    try:
        time.sleep(0.05)
        with connect(server.ws_url) as ws:
            answer = subscribe(ws, entity_id, {"offset": 1, "epoch": epoch})
            assert answer["recovered"] is True, answer
            thread.join(timeout=60)
            assert not thread.is_alive(), "the publisher did not finish in 60 s"
            offsets = []
            while len(offsets) < total - 1:
                offsets.append(recv_json(ws)["offset"])
            assert offsets == list(range(2, total + 1)), offsets
            assert_silent(ws)
    finally:
        stop.set()
        thread.join(timeout=60)


def test_a_restarted_server_starts_a_new_epoch():
    entity_id = entity()
    first = _start("--history-size", "10")
    try:
        before = publish(first.port, entity_id, 1)
    finally:
        first.stop()
    second = _start("--history-size", "10")
    try:
        with connect(second.ws_url) as ws:
            answer = subscribe(ws, entity_id, {"offset": before["offset"], "epoch": before["epoch"]})
            assert answer["epoch"] != before["epoch"], answer
            assert answer["recovered"] is False and answer["offset"] == 0, answer
    finally:
        second.stop()


def test_without_history_size_nothing_changes(server):
    port, entity_id = server.port, entity()
    with connect(server.ws_url) as ws:
        ws.send(json.dumps({"action": "subscribe", "entityId": entity_id, "since": {"offset": 1, "epoch": "x"}}))
        assert recv_json(ws) == {"status": "subscribed", "entityId": entity_id}
        reply = publish(port, entity_id, 1)
        assert "offset" not in reply and "epoch" not in reply, reply
        assert recv_json(ws) == {"entityId": entity_id, "message": 1}


def test_the_publish_answer_of_a_bad_body_is_unchanged_with_history(history_server):
    status, reply = http(history_server.port, "POST", "/events", b'{"entityId":"","message":1}')
    assert status == 400 and isinstance(reply.get("error"), str), reply
