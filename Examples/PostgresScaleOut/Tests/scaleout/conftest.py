"""Fixtures for the scale-out tests: the shared database (PUBSUB_POSTGRES_URL) and, per test, two
`pubsub-node`s on free loopback ports that share it. Each test starts from empty tables and new
nodes, because /stats counts over the whole database; see support.py for the helpers."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from support import Database, Node, NodeStartError, free_port, open_ws

# After one failed start, later ones fail at once: a node that hangs before `listening on` would
# otherwise cost the whole startup timeout again for every test.
_first_start_failure: list[str] = []


@pytest.fixture(scope="session")
def database() -> Database:
    url = os.environ.get("PUBSUB_POSTGRES_URL")
    if not url:
        pytest.fail("PUBSUB_POSTGRES_URL is not set; run Scripts/scaleout.sh, which starts a database", pytrace=False)
    return Database(url)


class Cluster:
    """The nodes and WebSocket clients of one test; `close` stops them all."""

    def __init__(self, database: Database, log_prefix: str):
        self.database = database
        self.log_prefix = log_prefix
        self.nodes: list[Node] = []
        self.clients = []

    def add_node(self, node_id: str, extra_args: tuple[str, ...] = ()) -> Node:
        port = free_port({node.port for node in self.nodes})
        node = Node(node_id, port, self.database.url, self.log_prefix, extra_args)
        self.nodes.append(node)
        self.start(node)
        return node

    def start(self, node: Node) -> float:
        """(Re)starts a node; returns the seconds until it printed `listening on`."""
        if _first_start_failure:
            pytest.fail("an earlier node start failed:\n" + _first_start_failure[0], pytrace=False)
        try:
            return node.start()
        except NodeStartError as error:
            _first_start_failure.append(str(error))
            pytest.fail(str(error), pytrace=False)

    def connect(self, node: Node):
        ws = open_ws(node)
        self.clients.append(ws)
        return ws

    def close(self) -> None:
        for ws in self.clients:
            try:
                ws.close()
            except Exception:  # noqa: BLE001 - a client of a killed node may fail in any way here
                pass
        for node in self.nodes:
            node.stop()


def _running_cluster(request, database: Database, extra_args: tuple[str, ...] = ()):
    database.reset()
    cluster = Cluster(database, re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name).strip("_"))
    request.node.scaleout_cluster = cluster
    try:
        cluster.a = cluster.add_node("node-a", extra_args)
        cluster.b = cluster.add_node("node-b", extra_args)
        yield cluster
    finally:
        cluster.close()


@pytest.fixture
def cluster(request, database: Database) -> Cluster:
    """Two running nodes, `cluster.a` (node-a) and `cluster.b` (node-b), over empty tables."""
    yield from _running_cluster(request, database)


# History on, and a short report timeout: a publish while a killed node still holds its lease
# waits that long for the node's report.
HISTORY_ARGS = ("--history-size", "100", "--report-timeout", "1")


@pytest.fixture
def history_cluster(request, database: Database) -> Cluster:
    """Like `cluster`, with history on: HISTORY_ARGS, or the arguments given by indirect
    parametrization."""
    yield from _running_cluster(request, database, tuple(getattr(request, "param", HISTORY_ARGS)))


@pytest.fixture
def postgres_dir() -> Path:
    """The directory of the Scripts/postgres.sh cluster the nodes use; skips without one."""
    value = os.environ.get("PUBSUB_POSTGRES_DIR")
    if not value:
        pytest.skip("PUBSUB_POSTGRES_DIR is not set (the database is not one Scripts/postgres.sh can restart)")
    return Path(value)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Adds the end of every node's output (and of the PostgreSQL log) to a failed test's report."""
    outcome = yield
    report = outcome.get_result()
    cluster = getattr(item, "scaleout_cluster", None)
    if not report.failed or cluster is None:
        return
    for node in cluster.nodes:
        for path in node.logs:
            try:
                tail = "\n".join(path.read_text("utf-8", "replace").splitlines()[-40:])
            except FileNotFoundError:
                continue
            report.sections.append((f"{node.name}: end of {path}", tail))
    if os.environ.get("PUBSUB_POSTGRES_DIR"):
        log = Path(os.environ["PUBSUB_POSTGRES_DIR"]) / "postgres.log"
        try:
            tail = "\n".join(log.read_text("utf-8", "replace").splitlines()[-20:])
        except FileNotFoundError:
            return
        report.sections.append((f"end of {log}", tail))
