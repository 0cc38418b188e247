"""History across nodes (DESIGN.md, "Contract: history and recovery"): offsets and epochs are the
database's, so a client that drops from one node and comes back on the other, even after the first
was killed with SIGKILL, gets exactly what it missed and then the live messages."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time

import pytest

from support import (
    REPO_ROOT,
    assert_json_equal,
    assert_silent,
    entity,
    open_ws,
    publish,
    recv_json,
)


def subscribe_at(ws, entity_id: str, since: dict | None = None) -> dict:
    """Subscribes (recovering from `since` when given) and returns the answer, checked for shape."""
    request = {"action": "subscribe", "entityId": entity_id}
    if since is not None:
        request["since"] = since
    ws.send(json.dumps(request))
    answer = recv_json(ws)
    assert answer.get("status") == "subscribed" and answer.get("entityId") == entity_id, answer
    assert type(answer.get("offset")) is int and answer["offset"] >= 0, answer
    assert isinstance(answer.get("epoch"), str) and answer["epoch"], answer
    expected_keys = {"status", "entityId", "offset", "epoch"} | ({"recovered"} if since is not None else set())
    assert set(answer) == expected_keys, answer
    return answer


def expect_envelope(ws, entity_id: str, message, offset: int, epoch: str, timeout: float = 5.0) -> None:
    assert_json_equal(
        recv_json(ws, timeout), {"entityId": entity_id, "message": message, "offset": offset, "epoch": epoch}
    )


def published_position(reply: dict) -> tuple[int, str]:
    assert type(reply.get("offset")) is int and isinstance(reply.get("epoch"), str), reply
    return reply["offset"], reply["epoch"]


def _subscribe_and_receive_two(cluster, node, entity_id: str) -> tuple[object, dict]:
    ws = cluster.connect(node)
    answer = subscribe_at(ws, entity_id)
    assert answer["offset"] == 0, answer
    epoch = answer["epoch"]
    for index, via in enumerate((cluster.a, cluster.b), start=1):
        reply = publish(via, entity_id, {"before": index})
        assert published_position(reply) == (index, epoch), reply
        expect_envelope(ws, entity_id, {"before": index}, index, epoch)
    return ws, {"offset": 2, "epoch": epoch}


def _publish_while_away(cluster, entity_id: str, epoch: str, nodes) -> list:
    messages = []
    for index in range(5):
        message = {"missed": index, "text": "é" * index}
        reply = publish(nodes[index % len(nodes)], entity_id, message)
        assert published_position(reply) == (3 + index, epoch), reply
        messages.append(message)
    return messages


def _recover_on(cluster, node, entity_id: str, since: dict, missed: list) -> object:
    ws = cluster.connect(node)
    answer = subscribe_at(ws, entity_id, since)
    assert_json_equal(
        answer,
        {"status": "subscribed", "entityId": entity_id, "offset": 2 + len(missed), "epoch": since["epoch"], "recovered": True},
    )
    for index, message in enumerate(missed):
        expect_envelope(ws, entity_id, message, 3 + index, since["epoch"])
    return ws


def test_a_client_that_drops_from_one_node_recovers_exactly_what_it_missed_on_the_other(history_cluster):
    cluster = history_cluster
    entity_id = entity("recover")
    ws, since = _subscribe_and_receive_two(cluster, cluster.a, entity_id)
    ws.close()

    missed = _publish_while_away(cluster, entity_id, since["epoch"], [cluster.a, cluster.b])
    back = _recover_on(cluster, cluster.b, entity_id, since, missed)

    # Then the live ones, whichever node publishes, and nothing twice.
    for offset, via in ((8, cluster.a), (9, cluster.b)):
        publish(via, entity_id, {"live": offset})
        expect_envelope(back, entity_id, {"live": offset}, offset, since["epoch"])
    assert_silent(back)


def test_a_client_of_a_killed_node_recovers_on_the_other(history_cluster):
    cluster = history_cluster
    entity_id = entity("killed")
    ws, since = _subscribe_and_receive_two(cluster, cluster.a, entity_id)
    cluster.a.kill()
    with pytest.raises(Exception):  # noqa: B017 - the connection ends in whatever way the OS reports
        ws.recv(timeout=5)

    # node-a still holds its lease, so each publish waits the (1 s) report timeout for it.
    missed = _publish_while_away(cluster, entity_id, since["epoch"], [cluster.b])
    back = _recover_on(cluster, cluster.b, entity_id, since, missed)

    publish(cluster.b, entity_id, {"live": 8})
    expect_envelope(back, entity_id, {"live": 8}, 8, since["epoch"])
    assert_silent(back)


@pytest.mark.parametrize("wrong", ["not-{}", "{}\u0000"], ids=["other", "nul"])
def test_a_wrong_epoch_is_not_recovered_but_subscribes(history_cluster, wrong):
    cluster = history_cluster
    entity_id = entity("epoch")
    ws, since = _subscribe_and_receive_two(cluster, cluster.a, entity_id)
    ws.close()
    publish(cluster.a, entity_id, {"missed": 1})

    back = cluster.connect(cluster.b)
    answer = subscribe_at(back, entity_id, {"offset": 2, "epoch": wrong.format(since["epoch"])})
    assert_json_equal(
        answer, {"status": "subscribed", "entityId": entity_id, "offset": 3, "epoch": since["epoch"], "recovered": False}
    )
    assert_silent(back)
    publish(cluster.a, entity_id, {"live": 4})
    expect_envelope(back, entity_id, {"live": 4}, 4, since["epoch"])


def test_a_large_message_over_the_notify_limit_is_delivered_and_recovered_with_its_position(history_cluster):
    cluster = history_cluster
    entity_id = entity("large")
    live = cluster.connect(cluster.b)
    epoch = subscribe_at(live, entity_id)["epoch"]
    large = {"blob": "é" * 10_000}

    reply = publish(cluster.a, entity_id, large)

    assert published_position(reply) == (1, epoch)
    expect_envelope(live, entity_id, large, 1, epoch)
    back = cluster.connect(cluster.a)
    answer = subscribe_at(back, entity_id, {"offset": 0, "epoch": epoch})
    assert answer["recovered"] is True and answer["offset"] == 1, answer
    expect_envelope(back, entity_id, large, 1, epoch)


@pytest.mark.parametrize("history_cluster", [("--history-size", "100", "--history-ttl", "1")], indirect=True)
def test_messages_older_than_the_ttl_are_not_recovered(history_cluster):
    cluster = history_cluster
    entity_id = entity("ttl")
    ws = cluster.connect(cluster.a)
    epoch = subscribe_at(ws, entity_id)["epoch"]
    ws.close()
    publish(cluster.a, entity_id, {"old": 1})
    time.sleep(1.5)

    back = cluster.connect(cluster.b)
    answer = subscribe_at(back, entity_id, {"offset": 0, "epoch": epoch})
    assert_json_equal(
        answer, {"status": "subscribed", "entityId": entity_id, "offset": 1, "epoch": epoch, "recovered": False}
    )
    assert_silent(back)
    # The nodes' sweep (every TTL/4, at least 1 s) deletes the expired row.
    kept = f"SELECT count(*) FROM pubsub_history_messages WHERE entity_id = convert_to('{entity_id}', 'UTF8')"
    deadline = time.monotonic() + 5
    while int(cluster.database.run(kept).strip()) != 0:
        assert time.monotonic() < deadline, "the expired message is still in the table 5 s after the TTL"
        time.sleep(0.1)


def test_offsets_grow_by_exactly_one_per_entity_under_concurrent_publishes_to_both_nodes(history_cluster):
    cluster = history_cluster
    entity_id = entity("race")
    watchers = [cluster.connect(cluster.a), cluster.connect(cluster.b)]
    epochs = {subscribe_at(ws, entity_id)["epoch"] for ws in watchers}
    assert len(epochs) == 1, epochs
    epoch = epochs.pop()
    publishers, per_publisher = 4, 25
    total = publishers * per_publisher
    positions: dict[int, dict] = {}
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(index: int) -> None:
        node = cluster.a if index % 2 == 0 else cluster.b
        try:
            for sequence in range(per_publisher):
                message = {"publisher": index, "sequence": sequence}
                offset, reply_epoch = published_position(publish(node, entity_id, message))
                assert reply_epoch == epoch
                with lock:
                    assert offset not in positions, f"offset {offset} given twice"
                    positions[offset] = message
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(publishers)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    took = time.monotonic() - started
    assert not errors, errors
    assert sorted(positions) == list(range(1, total + 1))
    print(f"{total} publishes from {publishers} threads over two nodes took {took:.2f}s")

    for ws in watchers:
        for offset in range(1, total + 1):
            expect_envelope(ws, entity_id, positions[offset], offset, epoch, timeout=10)
        assert_silent(ws)


def test_a_recovering_subscribe_on_one_node_during_a_stream_of_publishes_to_both_gets_each_offset_once(history_cluster):
    """The subscribe writes its subscription, then reads the position; publishes that commit in
    between also come live through the node's notifications. The session must hold and filter
    them, so that the client sees every offset exactly once, in order."""
    cluster = history_cluster
    entity_id = entity("stream")
    ws, since = _subscribe_and_receive_two(cluster, cluster.a, entity_id)
    ws.close()
    per_node = 40
    total = 2 * per_node  # offsets 3..82, from one publisher thread per node at once
    positions: dict[int, dict] = {}
    errors: list[BaseException] = []
    lock = threading.Lock()
    recovering = threading.Event()

    def stream(node, name: str) -> None:
        try:
            for index in range(per_node):
                if index == per_node // 4:
                    recovering.set()
                message = {"via": name, "n": index}
                offset, _ = published_position(publish(node, entity_id, message))
                with lock:
                    positions[offset] = message
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            recovering.set()

    publishers = [threading.Thread(target=stream, args=(node, node.name)) for node in (cluster.a, cluster.b)]
    for thread in publishers:
        thread.start()
    recovering.wait(30)
    back = cluster.connect(cluster.b)
    answer = subscribe_at(back, entity_id, since)
    for thread in publishers:
        thread.join(60)
    assert not errors, errors
    assert sorted(positions) == list(range(3, 3 + total))
    assert answer["recovered"] is True and answer["epoch"] == since["epoch"], answer
    for offset in range(3, 3 + total):
        expect_envelope(back, entity_id, positions[offset], offset, since["epoch"], timeout=10)
    assert_silent(back)
    print(f"recovered from offset 2 with the latest at {answer['offset']} while {total} publishes streamed")


def test_a_client_that_sees_a_gap_recovers_it_on_the_same_connection(history_cluster):
    """A node that missed a notification (its listener was down) leaves a gap in the offsets its
    clients see; a client that notices resubscribes with `since` on the same connection."""
    cluster = history_cluster
    entity_id = entity("gap")
    ws = cluster.connect(cluster.b)
    epoch = subscribe_at(ws, entity_id)["epoch"]
    publish(cluster.a, entity_id, {"n": 1})
    expect_envelope(ws, entity_id, {"n": 1}, 1, epoch)
    # Offset 2 is numbered and kept, but no node hears of it: a notification lost in an outage.
    cluster.database.run(
        "SELECT r_offset FROM pubsub_history_append("
        f"convert_to('{entity_id}', 'UTF8'), convert_to('{{\"n\":2}}', 'UTF8'), 'unused', 100)"
    )
    publish(cluster.a, entity_id, {"n": 3})
    expect_envelope(ws, entity_id, {"n": 3}, 3, epoch)

    answer = subscribe_at(ws, entity_id, {"offset": 1, "epoch": epoch})

    assert_json_equal(
        answer, {"status": "subscribed", "entityId": entity_id, "offset": 3, "epoch": epoch, "recovered": True}
    )
    expect_envelope(ws, entity_id, {"n": 2}, 2, epoch)
    expect_envelope(ws, entity_id, {"n": 3}, 3, epoch)
    publish(cluster.b, entity_id, {"n": 4})
    expect_envelope(ws, entity_id, {"n": 4}, 4, epoch)
    assert_silent(ws)


@pytest.mark.skipif(
    not os.environ.get("PUBSUB_POSTGRES_DIR"),
    reason="PUBSUB_POSTGRES_DIR is not set (no Scripts/postgres.sh cluster to restart)",
)
def test_history_and_its_epoch_survive_a_database_restart(history_cluster, database):
    cluster = history_cluster
    entity_id = entity("durable")
    ws, since = _subscribe_and_receive_two(cluster, cluster.a, entity_id)
    ws.close()
    known = {}
    for offset in (3, 4):
        reply = publish(cluster.b, entity_id, {"n": offset})
        assert published_position(reply) == (offset, since["epoch"]), reply
        known[offset] = {"n": offset}

    result = subprocess.run(
        [str(REPO_ROOT / "Scripts/postgres.sh"), "restart", os.environ["PUBSUB_POSTGRES_DIR"]],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"Scripts/postgres.sh restart failed:\n{result.stderr}"
    # Publish until a node takes events again; a publish that failed may still have committed,
    # so offsets are read from the replies, and recovery must cover whatever was numbered.
    deadline = time.monotonic() + 30
    while True:
        assert time.monotonic() < deadline, "no publish succeeded within 30 s of the database restart"
        try:
            reply = publish(cluster.a, entity_id, {"after": "restart"}, timeout=10)
        except (AssertionError, OSError):
            time.sleep(0.5)
            continue
        offset, epoch = published_position(reply)
        assert epoch == since["epoch"], "the restart changed the epoch"
        known[offset] = {"after": "restart"}
        break

    back = cluster.connect(cluster.b)
    answer = subscribe_at(back, entity_id, since)
    assert answer["recovered"] is True and answer["epoch"] == since["epoch"], answer
    assert answer["offset"] == max(known), answer
    for offset in range(3, answer["offset"] + 1):
        envelope = recv_json(back)
        assert envelope["offset"] == offset and envelope["epoch"] == since["epoch"], envelope
        if offset in known:
            assert_json_equal(envelope["message"], known[offset])
    assert_silent(back)


def test_without_history_subscribe_answers_and_envelopes_carry_no_position(cluster):
    entity_id = entity("plain")
    ws = open_ws(cluster.a)
    cluster.clients.append(ws)
    ws.send(json.dumps({"action": "subscribe", "entityId": entity_id, "since": {"offset": 0, "epoch": "x"}}))
    assert_json_equal(recv_json(ws), {"status": "subscribed", "entityId": entity_id})
    reply = publish(cluster.b, entity_id, 1)
    assert "offset" not in reply and "epoch" not in reply, reply
    assert_json_equal(recv_json(ws), {"entityId": entity_id, "message": 1})
