"""A node that goes away, by a crash (SIGKILL to its whole process group) or by a shutdown signal:
the other node keeps serving its own clients, and the departed node's connections leave the shared
counts: at once when it shuts down or comes back with the same node id, within the lease bound
when it crashes and stays away."""

from __future__ import annotations

import signal
import time

from support import (
    LEASE_EXPIRY_BOUND,
    REPORT_TIMEOUT,
    assert_report,
    assert_silent,
    assert_stats_now,
    close_code,
    entity,
    expect_event,
    publish,
    stats,
    subscribe,
    wait_for_stats,
)


def _populate(cluster) -> dict:
    """Two clients on node-a (one subscribed), two on node-b (both subscribed): 4 connections and
    3 subscriptions in total, 2 and 2 of them node-b's."""
    shared, own = entity("shared"), entity("own")
    clients = {
        "a_sub": cluster.connect(cluster.a),
        "a_idle": cluster.connect(cluster.a),
        "b_shared": cluster.connect(cluster.b),
        "b_own": cluster.connect(cluster.b),
    }
    subscribe(clients["a_sub"], shared)
    subscribe(clients["b_shared"], shared)
    subscribe(clients["b_own"], own)
    wait_for_stats([cluster.a, cluster.b], (4, 3))
    return {"shared": shared, "own": own, **clients}


def test_crashed_node_restarted_with_same_id_drops_its_old_connections_at_once(cluster):
    setup = _populate(cluster)
    cluster.a.kill()

    took = cluster.start(cluster.a)
    counts = stats(cluster.b)
    print(f"node-a restarted in {took:.2f}s; /stats on node-b right after: {counts}")
    assert counts == (2, 2), f"node-b's /stats shows {counts} once node-a listens again, expected (2, 2)"
    assert_stats_now([cluster.a], (2, 2))

    # node-b's clients still work, whichever node publishes, and the restarted node-a serves again.
    reply = publish(cluster.b, setup["shared"], "after restart via node-b")
    assert_report(reply, recipients=1, delivered=1, nodes=2, nodesAnswered=2)
    expect_event(setup["b_shared"], setup["shared"], "after restart via node-b")
    reply = publish(cluster.a, setup["own"], "after restart via node-a")
    assert_report(reply, recipients=1, delivered=1, nodes=2, nodesAnswered=2)
    expect_event(setup["b_own"], setup["own"], "after restart via node-a")

    newcomer = cluster.connect(cluster.a)
    subscribe(newcomer, setup["shared"])
    reply = publish(cluster.b, setup["shared"], "to both")
    assert_report(reply, recipients=2, delivered=2, nodes=2, nodesAnswered=2)
    expect_event(newcomer, setup["shared"], "to both")
    expect_event(setup["b_shared"], setup["shared"], "to both")
    assert_silent(setup["b_own"])


def test_publish_while_a_crashed_node_still_holds_its_lease_answers_within_the_report_timeout(cluster):
    """The crashed node counts among the nodes until its lease runs out but never reports; the
    publish must not wait for it longer than the report timeout, and the live node still delivers."""
    setup = _populate(cluster)
    cluster.a.kill()

    started = time.monotonic()
    reply = publish(cluster.b, setup["shared"], "while node-a is dead")
    took = time.monotonic() - started
    print(f"publish with a dead node holding its lease took {took:.2f}s: {reply}")

    assert reply["nodesAnswered"] == 1, reply
    assert reply["delivered"] == 1, reply
    # A lease of 8 s renewed every 2 s outlives the publish that starts right after the kill.
    assert reply["nodes"] == 2, reply
    assert took < REPORT_TIMEOUT + 3, f"the publish took {took:.2f}s, the report timeout is {REPORT_TIMEOUT}s"
    expect_event(setup["b_shared"], setup["shared"], "while node-a is dead")


def test_crashed_node_that_stays_away_leaves_the_counts_within_the_lease_bound(cluster):
    setup = _populate(cluster)
    killed_at = time.monotonic()
    cluster.a.kill()

    history = []
    while True:
        counts = stats(cluster.b)
        elapsed = time.monotonic() - killed_at
        if not history or history[-1][1] != counts:
            history.append((round(elapsed, 2), counts))
        if counts == (2, 2):
            break
        assert elapsed < LEASE_EXPIRY_BOUND, (
            f"node-b still counts node-a's connections {LEASE_EXPIRY_BOUND}s after node-a was killed: {history}"
        )
        time.sleep(0.25)
    print(f"node-a's connections left node-b's /stats {elapsed:.2f}s after the kill ({history})")

    reply = publish(cluster.b, setup["shared"], "node-a is gone")
    assert_report(reply, recipients=1, delivered=1, nodes=1, nodesAnswered=1)
    expect_event(setup["b_shared"], setup["shared"], "node-a is gone")
    reply = publish(cluster.b, setup["own"], "still here")
    assert_report(reply, recipients=1, delivered=1, nodes=1, nodesAnswered=1)
    expect_event(setup["b_own"], setup["own"], "still here")


def test_sigterm_closes_clients_with_1001_and_removes_its_connections(cluster):
    setup = _populate(cluster)
    sent_at = time.monotonic()
    cluster.a.signal(signal.SIGTERM)

    for name in ("a_sub", "a_idle"):
        remaining = max(0.5, 5.0 - (time.monotonic() - sent_at))
        code = close_code(setup[name], timeout=remaining)
        assert code == 1001, f"{name} got close code {code}, expected 1001"
    status = cluster.a.wait(max(0.1, 5.0 - (time.monotonic() - sent_at)))
    took = time.monotonic() - sent_at
    assert status is not None, "node-a was still running 5 s after SIGTERM"
    assert status == 0, f"node-a exited with {status} after SIGTERM"
    print(f"node-a exited {took:.2f}s after SIGTERM")

    assert_stats_now([cluster.b], (2, 2))
    reply = publish(cluster.b, setup["shared"], "after node-a left")
    print(f"publish after node-a's shutdown: {reply}")
    assert reply["recipients"] == 1 and reply["delivered"] == 1, reply
    expect_event(setup["b_shared"], setup["shared"], "after node-a left")
