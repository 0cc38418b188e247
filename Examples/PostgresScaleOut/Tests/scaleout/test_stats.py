"""GET /stats counts over the shared database: every node shows the same totals, which include the
connections and subscriptions of every node, and follow disconnects on any node."""

from __future__ import annotations

from support import assert_stats_now, entity, subscribe, unsubscribe, wait_for_stats


def test_fresh_nodes_count_nothing(cluster):
    assert_stats_now([cluster.a, cluster.b], (0, 0))


def test_both_nodes_show_the_totals_of_both(cluster):
    first, second, third = entity("first"), entity("second"), entity("third")
    a_busy, a_idle = cluster.connect(cluster.a), cluster.connect(cluster.a)
    b_one, b_other, b_idle = cluster.connect(cluster.b), cluster.connect(cluster.b), cluster.connect(cluster.b)
    subscribe(a_busy, first)
    subscribe(a_busy, second)
    subscribe(b_one, first)
    subscribe(b_other, third)
    # Subscribing again to the same entity changes nothing.
    subscribe(b_other, third)
    wait_for_stats([cluster.a, cluster.b], (5, 4))

    unsubscribe(a_busy, second)
    wait_for_stats([cluster.a, cluster.b], (5, 3))

    # A close on either node removes the connection and its subscriptions from everyone's view.
    a_busy.close()
    b_other.close()
    wait_for_stats([cluster.a, cluster.b], (3, 1))
    a_idle.close()
    b_idle.close()
    b_one.close()
    wait_for_stats([cluster.a, cluster.b], (0, 0))
