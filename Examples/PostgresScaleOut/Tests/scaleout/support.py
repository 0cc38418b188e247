"""Helpers for the scale-out tests: node processes, the shared database, HTTP and WebSocket clients.

Every blocking call takes a timeout, so a hung node or database fails a test instead of hanging the
run. Each node runs in its own process group with its output in a file under reports/scaleout/.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

REPO_ROOT = Path(__file__).resolve().parents[4]
BUILT_NODE = REPO_ROOT / "Examples/PostgresScaleOut/.build/release/pubsub-node"
LOG_DIR = REPO_ROOT / "reports/scaleout"

# The tables the node keeps its shared state in (schema `public`); the tests empty them between tests.
TABLES = (
    "pubsub_connections",
    "pubsub_subscriptions",
    "pubsub_nodes",
    "pubsub_event_bodies",
    "pubsub_history_streams",
    "pubsub_history_messages",
)

# The node's defaults: a killed node's connections must be gone from the others' view within this.
LEASE_EXPIRY_BOUND = 15.0
REPORT_TIMEOUT = 5.0
# Long enough for a publish that waits the whole report timeout for a node that never answers.
HTTP_TIMEOUT = REPORT_TIMEOUT + 15.0


def node_command() -> list[str]:
    """PUBSUB_NODE_CMD (split like a shell would), else the release binary."""
    if os.environ.get("PUBSUB_NODE_CMD"):
        return shlex.split(os.environ["PUBSUB_NODE_CMD"])
    return [str(BUILT_NODE)]


def startup_timeout() -> float:
    return float(os.environ.get("STARTUP_TIMEOUT", "60"))


def free_port(taken: set[int] = frozenset()) -> int:
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port not in taken:
            return port


def entity(prefix: str = "E") -> str:
    """A fresh entity id, so no test sees another's events even if rows were left behind."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


class NodeStartError(RuntimeError):
    pass


class Node:
    """One `pubsub-node` on a fixed port of 127.0.0.1 with a fixed node id; it can be killed and
    started again on the same port with the same id, as a restarted machine would be."""

    def __init__(self, node_id: str, port: int, postgres_url: str, log_prefix: str, extra_args: tuple[str, ...] = ()):
        self.node_id = node_id
        self.extra_args = tuple(extra_args)
        self.host = "127.0.0.1"
        self.port = port
        self.postgres_url = postgres_url
        self.log_prefix = log_prefix
        self.starts = 0
        self.proc: subprocess.Popen | None = None
        self.log_path: Path | None = None
        self.logs: list[Path] = []

    @property
    def name(self) -> str:
        return self.node_id

    @property
    def ws_url(self) -> str:
        return f"ws://{self.host}:{self.port}/"

    @property
    def cmd(self) -> list[str]:
        return node_command() + [
            "--host",
            self.host,
            "--port",
            str(self.port),
            "--node-id",
            self.node_id,
            "--postgres-url",
            self.postgres_url,
            *self.extra_args,
        ]

    def start(self) -> float:
        """Starts the node and waits for `listening on`; returns the seconds that took."""
        assert not self.running, f"{self.node_id} is already running"
        self.starts += 1
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.log_path = LOG_DIR / f"{self.log_prefix}-{self.node_id}-{self.starts}.log"
        self.logs.append(self.log_path)
        env = dict(os.environ)
        # Lets Scripts/scaleout.sh find and stop the node even if this process dies without cleaning up.
        if os.environ.get("PUBSUB_SCALEOUT_RUN_ID"):
            env["PUBSUB_SCALEOUT_NODE_OF"] = os.environ["PUBSUB_SCALEOUT_RUN_ID"]
        started = time.monotonic()
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                self.cmd,
                cwd=REPO_ROOT,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
        deadline = started + startup_timeout()
        while "listening on" not in self.output():
            if self.proc.poll() is not None:
                raise NodeStartError(
                    f"{self.node_id} exited with {self.proc.returncode} before printing 'listening on': "
                    f"{shlex.join(self.cmd)}\n{self.output()}"
                )
            if time.monotonic() >= deadline:
                self.kill()
                raise NodeStartError(
                    f"{self.node_id} did not print 'listening on' within {startup_timeout()}s: "
                    f"{shlex.join(self.cmd)}\n{self.output()}"
                )
            time.sleep(0.02)
        return time.monotonic() - started

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def output(self, last: int | None = None) -> str:
        if self.log_path is None:
            return ""
        try:
            text = self.log_path.read_text("utf-8", "replace")
        except FileNotFoundError:
            return ""
        if last is None:
            return text
        return "\n".join(text.splitlines()[-last:])

    def signal(self, signum: int) -> None:
        """Signals the node's whole process group, so a wrapper command and the node both get it."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signum)
        except ProcessLookupError:
            pass

    def kill(self) -> None:
        """SIGKILL to the whole group, as a crashed machine: no clean-up of any kind."""
        if self.proc is None:
            return
        self.signal(signal.SIGKILL)
        self.proc.wait(10)

    def wait(self, timeout: float) -> int | None:
        """The exit status, or None if the node is still running after `timeout` seconds."""
        assert self.proc is not None
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, grace: float = 10.0) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.signal(signal.SIGTERM)
            if self.wait(grace) is None:
                self.signal(signal.SIGKILL)
                self.proc.wait(10)
        else:
            # The node is gone; its group may still hold children (a wrapper's).
            self.signal(signal.SIGKILL)


# --- the shared database ----------------------------------------------------------------------


def psql_path() -> str:
    found = shutil.which("psql")
    if found:
        return found
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"), key=_version_key)
    if not candidates:
        raise RuntimeError("no psql found (install postgresql-client)")
    return candidates[-1]


def _version_key(path: str) -> list[int]:
    return [int(part) for part in re.findall(r"\d+", path)]


class Database:
    def __init__(self, url: str):
        self.url = url
        self.psql = psql_path()

    def run(self, sql: str, timeout: float = 30.0) -> str:
        result = subprocess.run(
            [self.psql, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", self.url, "-c", sql],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(f"psql failed ({result.returncode}) on {sql!r}:\n{result.stderr}")
        return result.stdout

    def reset(self) -> None:
        """Empties the node's tables that exist, so a test starts with nothing from earlier ones
        (no connections, no subscriptions, and no lease of a node an earlier test killed)."""
        names = ", ".join(f"'{table}'" for table in TABLES)
        self.run(
            f"""
            DO $$
            DECLARE
                existing text;
            BEGIN
                SELECT string_agg(format('%I.%I', schemaname, tablename), ', ') INTO existing
                FROM pg_tables WHERE schemaname = 'public' AND tablename IN ({names});
                IF existing IS NOT NULL THEN
                    EXECUTE 'TRUNCATE ' || existing || ' CASCADE';
                END IF;
            END $$;
            """
        )


# --- HTTP -------------------------------------------------------------------------------------


def http(port: int, method: str, path: str, body: bytes | None = None, timeout: float = HTTP_TIMEOUT):
    """(status, parsed JSON body or raw bytes) of one request."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method)
    if body is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, data = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, data = error.code, error.read()
    try:
        return status, json.loads(data)
    except ValueError:
        return status, data


REPORT_KEYS = ("recipients", "delivered", "gone", "failed", "nodes", "nodesAnswered")


def encode_event(entity_id: str, message) -> bytes:
    """The POST /events body, compact and with non-ASCII text as raw UTF-8 (so its size is exact)."""
    return json.dumps({"entityId": entity_id, "message": message}, ensure_ascii=False, separators=(",", ":")).encode()


def publish(node: Node, entity_id: str, message, timeout: float = HTTP_TIMEOUT) -> dict:
    status, reply = http(node.port, "POST", "/events", encode_event(entity_id, message), timeout)
    assert status == 200, f"POST /events to {node.name} answered {status}: {reply!r}"
    assert isinstance(reply, dict), f"POST /events to {node.name} answered a non-object: {reply!r}"
    for key in REPORT_KEYS:
        assert type(reply.get(key)) is int, f"POST /events reply lacks an integer {key!r}: {reply!r}"
    assert reply.get("entityId") == entity_id, f"POST /events reply names another entity: {reply!r}"
    return reply


def assert_report(reply: dict, **expected: int) -> None:
    """Checks the named counts of a publish report exactly; gone and failed default to 0."""
    expected = {"gone": 0, "failed": 0, **expected}
    actual = {key: reply.get(key) for key in expected}
    assert actual == expected, f"publish report {reply!r} differs from the expected {expected!r}"


def stats(node: Node) -> tuple[int, int]:
    """(connections, subscriptions) from the node's GET /stats."""
    status, reply = http(node.port, "GET", "/stats", timeout=10.0)
    assert status == 200, f"GET /stats on {node.name} answered {status}: {reply!r}"
    assert isinstance(reply, dict), reply
    assert type(reply.get("connections")) is int and type(reply.get("subscriptions")) is int, reply
    return reply["connections"], reply["subscriptions"]


def wait_for_stats(nodes: list[Node], expected: tuple[int, int], timeout: float = 5.0) -> None:
    """Polls /stats on every node until all show `expected` (connections, subscriptions)."""
    deadline = time.monotonic() + timeout
    while True:
        current = {node.name: stats(node) for node in nodes}
        if all(counts == expected for counts in current.values()):
            return
        if time.monotonic() >= deadline:
            raise AssertionError(f"/stats shows {current} after {timeout}s, expected {expected} everywhere")
        time.sleep(0.05)


def assert_stats_now(nodes: list[Node], expected: tuple[int, int]) -> None:
    """Checks /stats on every node once, without waiting."""
    current = {node.name: stats(node) for node in nodes}
    assert all(counts == expected for counts in current.values()), f"/stats shows {current}, expected {expected}"


# --- WebSocket --------------------------------------------------------------------------------


def open_ws(node: Node) -> ClientConnection:
    return connect(node.ws_url, open_timeout=10, close_timeout=5, max_size=None)


def recv_text(ws: ClientConnection, timeout: float = 5.0) -> str:
    message = ws.recv(timeout=timeout)
    assert isinstance(message, str), f"expected a text message, got {message!r}"
    return message


def recv_json(ws: ClientConnection, timeout: float = 5.0):
    return json.loads(recv_text(ws, timeout))


def subscribe(ws: ClientConnection, entity_id: str, action: str = "subscribe") -> None:
    ws.send(json.dumps({"action": action, "entityId": entity_id}))
    status = "subscribed" if action == "subscribe" else "unsubscribed"
    assert_json_equal(recv_json(ws), {"status": status, "entityId": entity_id})


def unsubscribe(ws: ClientConnection, entity_id: str) -> None:
    subscribe(ws, entity_id, action="unsubscribe")


def assert_silent(ws: ClientConnection, seconds: float = 0.3) -> None:
    try:
        message = ws.recv(timeout=seconds)
    except TimeoutError:
        return
    raise AssertionError(f"unexpected message: {message!r:.300}")


def expect_event(ws: ClientConnection, entity_id: str, message, timeout: float = 5.0) -> None:
    assert_json_equal(recv_json(ws, timeout), {"entityId": entity_id, "message": message})


def close_code(ws: ClientConnection, timeout: float = 5.0) -> int | None:
    """Reads until the server closes the connection and returns the code of its close frame
    (None when the connection ended without one)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            ws.recv(timeout=max(0.0, deadline - time.monotonic()))
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd is not None else None
        except TimeoutError:
            raise AssertionError(f"the connection was still open {timeout}s later") from None


# --- JSON comparison --------------------------------------------------------------------------


def strict(value):
    """A form of a decoded JSON value in which true != 1 and false != 0, unlike Python's ==."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("number", value)
    if isinstance(value, list):
        return ("array", [strict(v) for v in value])
    if isinstance(value, dict):
        return ("object", {k: strict(v) for k, v in value.items()})
    return (type(value).__name__, value)


def assert_json_equal(actual, expected) -> None:
    if strict(actual) != strict(expected):
        raise AssertionError(f"got {_short(actual)}, expected {_short(expected)}")


def _short(value, limit: int = 400) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"
