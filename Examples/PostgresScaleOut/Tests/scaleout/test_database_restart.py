"""A restart of PostgreSQL under running nodes: both survive it, keep their clients, and deliver
across nodes again once the database is back (they must reconnect, LISTEN again included)."""

from __future__ import annotations

import os
import subprocess
import time

import pytest

from support import REPO_ROOT, assert_report, entity, publish, recv_json, stats, subscribe, wait_for_stats

RECOVERY_BOUND = 30.0


def _drain(ws, seen: set, entity_id: str) -> None:
    """Adds the seq of every event already waiting on `ws` to `seen`."""
    while True:
        try:
            event = recv_json(ws, timeout=0.05)
        except TimeoutError:
            return
        assert event.get("entityId") == entity_id, event
        seen.add(event["message"]["seq"])


def _try_publish(node, entity_id: str, seq: int, since: float) -> str:
    """Publishes, tolerating the errors of a node whose database is away; returns what happened."""
    started = time.monotonic()
    try:
        outcome = publish(node, entity_id, {"seq": seq}, timeout=10)
    except (AssertionError, OSError) as error:
        outcome = str(error)[:200]
    took = time.monotonic() - started
    return f"seq {seq} via {node.name} at {started - since:.2f}s took {took:.2f}s: {outcome}"


@pytest.mark.skipif(
    not os.environ.get("PUBSUB_POSTGRES_DIR"),
    reason="PUBSUB_POSTGRES_DIR is not set (no Scripts/postgres.sh cluster to restart)",
)
def test_nodes_survive_a_database_restart_and_deliver_again(cluster, database):
    on_a, on_b = cluster.connect(cluster.a), cluster.connect(cluster.b)
    entity_id = entity("restart")
    subscribe(on_a, entity_id)
    subscribe(on_b, entity_id)
    wait_for_stats([cluster.a, cluster.b], (2, 2))
    reply = publish(cluster.b, entity_id, {"seq": -1})
    assert_report(reply, recipients=2, delivered=2, nodes=2, nodesAnswered=2)
    assert recv_json(on_a)["message"] == {"seq": -1}
    assert recv_json(on_b)["message"] == {"seq": -1}

    restarted_at = time.monotonic()
    result = subprocess.run(
        [str(REPO_ROOT / "Scripts/postgres.sh"), "restart", os.environ["PUBSUB_POSTGRES_DIR"]],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"Scripts/postgres.sh restart failed:\n{result.stderr}"
    assert result.stdout.strip() == database.url, f"the database came back at {result.stdout!r}"
    print(f"PostgreSQL restarted in {time.monotonic() - restarted_at:.2f}s")

    # Publish every 0.5 s, through each node in turn, until one publish reaches both subscribers.
    seen_a: set[int] = set()
    seen_b: set[int] = set()
    attempts: list[str] = []
    seq = 0
    while not (seen_a & seen_b):
        elapsed = time.monotonic() - restarted_at
        assert elapsed < RECOVERY_BOUND, (
            f"no publish reached both nodes' subscribers within {RECOVERY_BOUND}s of the restart; "
            f"node-a got {sorted(seen_a)}, node-b got {sorted(seen_b)}; publishes: {attempts[-10:]}"
        )
        for node in (cluster.a, cluster.b):
            assert node.running, f"{node.name} exited ({node.proc.returncode}) after the database restart"
        attempts.append(_try_publish(cluster.b if seq % 2 == 0 else cluster.a, entity_id, seq, restarted_at))
        seq += 1
        publish_at = time.monotonic()
        while time.monotonic() - publish_at < 0.5:
            _drain(on_a, seen_a, entity_id)
            _drain(on_b, seen_b, entity_id)
    recovered = time.monotonic() - restarted_at
    print(f"delivery to both nodes again {recovered:.2f}s after the restart began, after {seq} publishes:")
    for attempt in attempts:
        print(f"  {attempt}")

    # Then everything works as before: the clients and their subscriptions were kept, and both nodes
    # hold live leases again and answer (a lease may have run out while the database was away, so
    # this waits, within the same bound, for a publish that both nodes answer).
    assert stats(cluster.a) == (2, 2) and stats(cluster.b) == (2, 2)
    deadline = restarted_at + RECOVERY_BOUND
    for publisher in (cluster.a, cluster.b):
        while True:
            seq += 1
            reply = publish(publisher, entity_id, {"seq": seq})
            if (reply["nodes"], reply["nodesAnswered"]) == (2, 2) or time.monotonic() >= deadline:
                break
            time.sleep(0.5)
        assert_report(reply, recipients=2, delivered=2, nodes=2, nodesAnswered=2)
        for ws in (on_a, on_b):
            _await_event(ws, entity_id, {"seq": seq})
    for node in (cluster.a, cluster.b):
        assert node.running, f"{node.name} exited ({node.proc.returncode}) after the database restart"


def _await_event(ws, entity_id: str, message, timeout: float = 5.0) -> None:
    """Reads until `message` arrives; earlier publishes of the polling loop may arrive first."""
    deadline = time.monotonic() + timeout
    skipped = []
    while True:
        try:
            event = recv_json(ws, timeout=max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            raise AssertionError(f"{message} did not arrive within {timeout}s (got {skipped} instead)") from None
        assert event.get("entityId") == entity_id, event
        if event["message"] == message:
            return
        skipped.append(event["message"])
