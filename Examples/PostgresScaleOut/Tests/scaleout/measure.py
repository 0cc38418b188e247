"""Measures what going through PostgreSQL costs: a standalone script, not a test (pytest does not
collect it, and importing it does nothing).

    python Examples/PostgresScaleOut/Tests/scaleout/measure.py \
        [--node-cmd CMD] [--server-cmd CMD] [--postgres-url URL]

In one run, bounded in count and time (well under 3 minutes), it measures:

1. cross-node delivery: two `pubsub-node`s, 100 WebSocket subscribers (50 on each) to one entity,
   300 sequential publishes through node-b (each waits for all 100 deliveries before the next);
   POST /events round trip and publish-to-receive latency for node-b's (local) and node-a's
   (remote) subscribers;
2. the same workload against one in-memory `pubsub-server`, so the two compare in the same run;
3. throughput: 4 HTTP publisher threads for 5 s against node-b (and against the single server)
   with the 100 subscribers attached;
4. failover: kill -9 of node-a (holding 50 subscribers) until node-b's /stats drops them, one
   publish while node-a is dead but its lease is live, and node-a's restart with the same node id.

Without --postgres-url it runs its own throwaway cluster with Scripts/postgres.sh in a temporary
directory; with it, it empties the pubsub_* tables of that database first. Every process it starts
is stopped at the end, however the run ends. Node and server output goes to reports/measure/.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import math
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

SUBSCRIBERS_PER_NODE = 50
SEQUENTIAL_PUBLISHES = 300
WARMUP_PUBLISHES = 10
PUBLISHER_THREADS = 4
THROUGHPUT_SECONDS = 5.0
STATS_POLL_INTERVAL = 0.1
STATS_POLL_BOUND = 20.0
FAILOVER_REPORT_TIMEOUT = 2
DELIVERY_WAIT = 5.0
RUN_BOUND = 175


class RunTimeout(Exception):
    pass


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def ms(seconds: float) -> str:
    return "n/a" if math.isnan(seconds) else f"{seconds * 1000:.2f} ms"


def ratio(a: float, b: float) -> str:
    if math.isnan(a) or math.isnan(b) or b == 0:
        return "n/a"
    return f"{a / b:.1f}x"


def post_event(port: int, entity_id: str, message, timeout: float = 30.0) -> tuple[int, dict]:
    """One POST /events on a new connection (the server closes it after the response)."""
    import support

    body = support.encode_event(entity_id, message)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", "/events", body=body, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        data = response.read()
        status = response.status
    finally:
        conn.close()
    try:
        return status, json.loads(data)
    except ValueError:
        return status, {"raw": data.decode("utf-8", "replace")}


# --- processes --------------------------------------------------------------------------------


def make_process_class():
    """A support.Node whose command is given (a node with extra flags, or the single server)."""
    import support

    class Process(support.Node):
        def __init__(self, prefix: list[str], extra: list[str], node_id: str, port: int, postgres_url: str | None):
            super().__init__(node_id, port, postgres_url or "", "measure")
            self.prefix = prefix
            self.extra = extra
            self.clustered = postgres_url is not None

        @property
        def cmd(self) -> list[str]:
            base = self.prefix + ["--host", self.host, "--port", str(self.port)]
            if self.clustered:
                base += ["--node-id", self.node_id, "--postgres-url", self.postgres_url]
            return base + self.extra

        def start(self) -> float:
            wait_for_executable(self.prefix[0])
            return super().start()

    return Process


def wait_for_executable(program: str, bound: float = 90.0) -> None:
    """The lead may be rebuilding the binary: wait for it to come back rather than fail."""
    if "/" not in program:
        return
    deadline = time.monotonic() + bound
    while not os.access(program, os.X_OK):
        if time.monotonic() >= deadline:
            raise RuntimeError(f"{program} is missing or not executable")
        time.sleep(1.0)
    # A binary still being written by the linker: wait until its size settles.
    size = -1
    while size != os.path.getsize(program):
        size = os.path.getsize(program)
        time.sleep(0.5)


# --- subscribers ------------------------------------------------------------------------------


class Subscribers:
    """WebSocket subscribers on an asyncio loop in a thread of their own, recording for every
    latency probe the time from its send timestamp to its arrival, per group (local/remote/...)."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="subscribers", daemon=True)
        self.thread.start()
        self.groups: dict[str, list] = {}
        self.tasks: list[asyncio.Task] = []
        self.cond = threading.Condition()
        self.counts: dict[int, int] = {}
        self.latencies: dict[str, list[float]] = {}
        # The first receipt of each probe per group: less skewed by this client working through
        # the other deliveries of the same publish one after another.
        self.first: dict[str, dict[int, float]] = {}
        self.throughput_received = 0
        self.unexpected: list[str] = []
        from websockets.asyncio.client import ClientConnection

        class StampedConnection(ClientConnection):
            """Notes when bytes last came in: asyncio hands the data of every ready socket to its
            protocol before any reader task resumes, so a task's own clock would charge each
            delivery with the parsing of all the others that arrived at the same time."""

            arrived_at = 0.0

            def data_received(self, data: bytes) -> None:
                self.arrived_at = time.perf_counter()
                super().data_received(data)

        self.connection_class = StampedConnection

    def call(self, coro, timeout: float):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def open(self, url: str, entity_id: str, group: str, count: int) -> None:
        self.call(self._open_many(url, entity_id, group, count), timeout=60)

    async def _open_many(self, url: str, entity_id: str, group: str, count: int) -> None:
        limit = asyncio.Semaphore(10)

        async def one():
            async with limit:
                return await self._open_one(url, entity_id, group)

        sockets = await asyncio.gather(*(one() for _ in range(count)))
        self.groups.setdefault(group, []).extend(sockets)

    async def _open_one(self, url: str, entity_id: str, group: str):
        from websockets.asyncio.client import connect

        ws = await connect(
            url,
            open_timeout=10,
            close_timeout=2,
            max_size=None,
            compression=None,
            ping_interval=None,
            proxy=None,
            create_connection=self.connection_class,
        )
        await ws.send(json.dumps({"action": "subscribe", "entityId": entity_id}))
        ack = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if ack != {"status": "subscribed", "entityId": entity_id}:
            raise RuntimeError(f"unexpected answer to subscribe: {ack!r}")
        self.tasks.append(self.loop.create_task(self._read(ws, group)))
        return ws

    async def _read(self, ws, group: str) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            async for raw in ws:
                # One delivery per publish and connection in the latency runs, so the last bytes
                # that came in are this message's.
                arrived = ws.arrived_at or time.perf_counter()
                body = json.loads(raw).get("message")
                kind = body.get("kind") if isinstance(body, dict) else None
                if kind == "lat":
                    self.latencies.setdefault(group, []).append(arrived - body["t"])
                    self.first.setdefault(group, {}).setdefault(body["seq"], arrived - body["t"])
                    with self.cond:
                        self.counts[body["seq"]] = self.counts.get(body["seq"], 0) + 1
                        self.cond.notify_all()
                elif kind == "tp":
                    with self.cond:
                        self.throughput_received += 1
                        self.cond.notify_all()
                elif kind != "probe":
                    self.unexpected.append(str(raw)[:200])
        except ConnectionClosed:
            pass

    def wait_count(self, seq: int, expected: int, timeout: float) -> int:
        with self.cond:
            self.cond.wait_for(lambda: self.counts.get(seq, 0) >= expected, timeout)
            return self.counts.get(seq, 0)

    def wait_throughput(self, expected: int, timeout: float) -> int:
        with self.cond:
            self.cond.wait_for(lambda: self.throughput_received >= expected, timeout)
            return self.throughput_received

    def reset_latencies(self) -> None:
        self.latencies = {}
        self.first = {}

    def forget(self, group: str) -> None:
        """Drops a group whose server was killed (its readers ended on their own)."""
        self.groups.pop(group, None)

    def close(self, group: str | None = None, timeout: float = 10.0) -> None:
        names = [group] if group is not None else list(self.groups)
        sockets = [ws for name in names for ws in self.groups.pop(name, [])]

        async def close_all():
            await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)

        if sockets:
            self.call(close_all(), timeout)

    def shutdown(self) -> None:
        try:
            self.close(timeout=10)
        except Exception as error:  # noqa: BLE001 - clean-up continues whatever failed
            print(f"(closing subscribers failed: {error!r})", file=sys.stderr)

        async def cancel():
            for task in self.tasks:
                task.cancel()
            await asyncio.gather(*self.tasks, return_exceptions=True)

        try:
            self.call(cancel(), 5)
        except Exception:  # noqa: BLE001
            pass
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


# --- the measurements -------------------------------------------------------------------------


class Run:
    def __init__(self, subscribers: Subscribers):
        self.subs = subscribers
        self.seq = 0

    def latency(self, port: int, entity_id: str, expected: int) -> dict:
        """Sequential publishes; each waits for all `expected` deliveries before the next."""
        round_trips: list[float] = []
        missing = 0
        bad_reports = []
        for index in range(WARMUP_PUBLISHES + SEQUENTIAL_PUBLISHES):
            if index == WARMUP_PUBLISHES:
                self.subs.reset_latencies()
                round_trips.clear()
            self.seq += 1
            sent = time.perf_counter()
            status, reply = post_event(port, entity_id, {"kind": "lat", "seq": self.seq, "t": sent})
            round_trips.append(time.perf_counter() - sent)
            if status != 200 or reply.get("delivered") != expected or reply.get("failed") or reply.get("gone"):
                bad_reports.append((status, reply))
            got = self.subs.wait_count(self.seq, expected, DELIVERY_WAIT)
            missing += expected - got
        return {
            "round_trips": round_trips,
            "latencies": dict(self.subs.latencies),
            "first": {group: list(by_seq.values()) for group, by_seq in self.subs.first.items()},
            "missing": missing,
            "bad_reports": bad_reports,
        }

    def throughput(self, port: int, entity_id: str) -> dict:
        stop = threading.Event()
        results = [{"publishes": 0, "delivered": 0, "errors": 0, "last_error": None} for _ in range(PUBLISHER_THREADS)]
        received_before = self.subs.throughput_received

        def publisher(result: dict) -> None:
            number = 0
            while not stop.is_set():
                number += 1
                try:
                    status, reply = post_event(port, entity_id, {"kind": "tp", "n": number}, timeout=15)
                except OSError as error:
                    result["errors"] += 1
                    result["last_error"] = repr(error)
                    continue
                if status == 200:
                    result["publishes"] += 1
                    result["delivered"] += int(reply.get("delivered", 0))
                else:
                    result["errors"] += 1
                    result["last_error"] = f"{status} {reply!r:.200}"

        threads = [threading.Thread(target=publisher, args=(r,), daemon=True) for r in results]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        time.sleep(THROUGHPUT_SECONDS)
        stop.set()
        for thread in threads:
            thread.join(30)
        elapsed = time.perf_counter() - started
        publishes = sum(r["publishes"] for r in results)
        delivered = sum(r["delivered"] for r in results)
        drain_started = time.perf_counter()
        received = self.subs.wait_throughput(received_before + delivered, 15.0) - received_before
        return {
            "elapsed": elapsed,
            "publishes": publishes,
            "delivered": delivered,
            "received": received,
            "drain": time.perf_counter() - drain_started,
            "errors": sum(r["errors"] for r in results),
            "last_error": next((r["last_error"] for r in results if r["last_error"]), None),
        }


def describe_latency(result: dict) -> dict:
    rt = result["round_trips"]
    out = {"rt50": percentile(rt, 50), "rt99": percentile(rt, 99)}
    for group, values in result["latencies"].items():
        out[f"{group}50"] = percentile(values, 50)
        out[f"{group}99"] = percentile(values, 99)
    for group, values in result["first"].items():
        out[f"first-{group}50"] = percentile(values, 50)
        out[f"first-{group}99"] = percentile(values, 99)
    return out


def loadavg() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def main() -> int:
    # No __pycache__ in the source tree from importing support.py.
    sys.dont_write_bytecode = True
    import support

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--node-cmd", help="command that starts a pubsub-node (default: the release build)")
    parser.add_argument(
        "--server-cmd", help="command that starts the single pubsub-server (default: the release build)"
    )
    parser.add_argument(
        "--postgres-url",
        help="database to use (its pubsub_* tables are emptied); default: a throwaway cluster of Scripts/postgres.sh",
    )
    args = parser.parse_args()

    node_cmd = shlex.split(args.node_cmd) if args.node_cmd else [str(support.BUILT_NODE)]
    server_cmd = (
        shlex.split(args.server_cmd)
        if args.server_cmd
        else [str(support.REPO_ROOT / "Examples/PubSubServer/.build/release/pubsub-server")]
    )
    support.LOG_DIR = support.REPO_ROOT / "reports/measure"

    def on_signal(signum, frame):
        if signum == signal.SIGALRM:
            raise RunTimeout(f"the run exceeded its bound of {RUN_BOUND}s")
        raise RunTimeout(f"stopped by signal {signum}")

    for signum in (signal.SIGALRM, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_signal)
    signal.alarm(RUN_BOUND)

    run_started = time.monotonic()
    load_start = loadavg()
    pg_dir: str | None = None
    processes = []
    subscribers: Subscribers | None = None
    Process = make_process_class()
    raw: list[str] = []
    try:
        if args.postgres_url:
            url = args.postgres_url
        else:
            pg_dir = tempfile.mkdtemp(prefix="pubsub-measure-pg-")
            started = time.monotonic()
            url = subprocess.run(
                [str(support.REPO_ROOT / "Scripts/postgres.sh"), "start", pg_dir],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                text=True,
                check=True,
                timeout=120,
            ).stdout.strip()
            raw.append(f"throwaway PostgreSQL cluster started in {time.monotonic() - started:.1f}s: {url}")
        database = support.Database(url)
        database.reset()

        port_a = support.free_port()
        port_b = support.free_port({port_a})
        port_s = support.free_port({port_a, port_b})
        node_a = Process(node_cmd, [], "node-a", port_a, url)
        node_b = Process(node_cmd, ["--report-timeout", str(FAILOVER_REPORT_TIMEOUT)], "node-b", port_b, url)
        server = Process(server_cmd, [], "single", port_s, None)
        processes += [node_a, node_b, server]
        took_a, took_b = node_a.start(), node_b.start()
        raw.append(f"initial starts to `listening on`: node-a {took_a:.2f}s, node-b {took_b:.2f}s")

        subscribers = Subscribers()
        run = Run(subscribers)
        topic = support.entity("measure")
        subscribers.open(node_a.ws_url, topic, "remote", SUBSCRIBERS_PER_NODE)
        subscribers.open(node_b.ws_url, topic, "local", SUBSCRIBERS_PER_NODE)
        total = 2 * SUBSCRIBERS_PER_NODE
        support.wait_for_stats([node_a, node_b], (total, total), timeout=20)

        # 1. Cross-node latency.
        cluster_lat = run.latency(node_b.port, topic, total)
        # 3. Throughput against node-b.
        load_before_tp = loadavg()
        cluster_tp = run.throughput(node_b.port, topic)

        # 2. and 3. against the single in-memory server.
        took_s = server.start()
        raw.append(f"single server start to `listening on`: {took_s:.2f}s")
        single_topic = support.entity("single")
        subscribers.open(server.ws_url, single_topic, "single", total)
        single_lat = run.latency(server.port, single_topic, total)
        single_tp = run.throughput(server.port, single_topic)
        subscribers.close("single")
        server.stop()

        # 4. Failover. node-a is killed; one publish through node-b runs while its lease is live,
        # while the main thread polls node-b's /stats.
        failover = {}
        publish_result: dict = {}

        def publish_during_lease() -> None:
            sent = time.perf_counter()
            try:
                publish_result["reply"] = post_event(node_b.port, topic, {"kind": "probe", "t": sent})
            except OSError as error:
                publish_result["reply"] = (None, {"error": repr(error)})
            publish_result["took"] = time.perf_counter() - sent

        killed_at = time.monotonic()
        node_a.kill()
        subscribers.forget("remote")
        publisher = threading.Thread(target=publish_during_lease, daemon=True)
        publisher.start()
        history = []
        while True:
            counts = support.stats(node_b)
            elapsed = time.monotonic() - killed_at
            if not history or history[-1][1] != counts:
                history.append((round(elapsed, 2), counts))
            if counts[0] == SUBSCRIBERS_PER_NODE:
                failover["expiry"] = elapsed
                break
            if elapsed >= STATS_POLL_BOUND:
                failover["expiry"] = math.nan
                break
            time.sleep(STATS_POLL_INTERVAL)
        publisher.join(30)
        failover["expiry_history"] = history
        failover["publish"] = publish_result

        # Restart after the lease ran out: nothing stale is left, so this is the plain start time.
        failover["restart_clean"] = node_a.start()
        subscribers.open(node_a.ws_url, topic, "remote", SUBSCRIBERS_PER_NODE)
        support.wait_for_stats([node_a, node_b], (total, total), timeout=20)
        # Kill again and restart at once, while the lease is live and node-a's 50 rows are stale.
        node_a.kill()
        subscribers.forget("remote")
        failover["restart_stale"] = node_a.start()
        failover["stats_after_restart"] = support.stats(node_b)
        failover["stale_rows"] = database.run(
            "SELECT (SELECT count(*) FROM pubsub_connections WHERE node_id = 'node-a') || ' ' || "
            "(SELECT count(*) FROM pubsub_subscriptions s JOIN pubsub_connections c USING (connection_id) "
            "WHERE c.node_id = 'node-a')"
        ).strip()
        load_end = loadavg()

        report(
            describe_latency(cluster_lat),
            describe_latency(single_lat),
            cluster_lat,
            single_lat,
            cluster_tp,
            single_tp,
            failover,
            raw,
            {"start": load_start, "throughput": load_before_tp, "end": load_end},
            unexpected=subscribers.unexpected,
        )
        print(f"- whole run: {time.monotonic() - run_started:.1f}s; node and server output in {support.LOG_DIR}")
        return 0
    except BaseException:
        for process in processes:
            if process.log_path is not None:
                print(f"--- end of {process.log_path}:\n{process.output(last=15)}", file=sys.stderr)
        raise
    finally:
        # A second signal must not cut the clean-up short.
        signal.alarm(0)
        for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(signum, signal.SIG_IGN)
        if subscribers is not None:
            subscribers.shutdown()
        for process in processes:
            try:
                process.stop(grace=6)
            except Exception as error:  # noqa: BLE001 - every other process must still be stopped
                print(f"(stopping {process.node_id} failed: {error!r})", file=sys.stderr)
        if pg_dir is not None:
            subprocess.run(
                [str(support.REPO_ROOT / "Scripts/postgres.sh"), "stop", pg_dir],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                timeout=60,
                check=False,
            )
            shutil.rmtree(pg_dir, ignore_errors=True)


def report(c, s, cluster_lat, single_lat, cluster_tp, single_tp, failover, raw, loads, unexpected) -> None:
    def rate(tp, key):
        return tp[key] / tp["elapsed"]

    n = SEQUENTIAL_PUBLISHES
    print(f"### PostgreSQL scale-out cost, measured in one run ({time.strftime('%Y-%m-%d %H:%M:%S')})")
    print()
    print(
        f"{2 * SUBSCRIBERS_PER_NODE} WebSocket subscribers to one entity ({SUBSCRIBERS_PER_NODE} on each node; "
        f"all {2 * SUBSCRIBERS_PER_NODE} on the single server); {n} sequential publishes through node-b after "
        f"{WARMUP_PUBLISHES} warm-up ones, each waiting for all deliveries before the next. Latency is from "
        "just before the POST until the delivery's bytes reach the subscriber's asyncio protocol, all measured by "
        "one Python client process that takes in the 100 deliveries of a publish one after another, so some of "
        "the client's own work is in these numbers; 'first receipt' is the earliest delivery of each publish in "
        "a group."
    )
    print()
    print("| Measure | 2 nodes over PostgreSQL | single pubsub-server (in-memory) | ratio |")
    print("|---|---:|---:|---:|")
    print(f"| POST /events round trip p50 | {ms(c['rt50'])} | {ms(s['rt50'])} | {ratio(c['rt50'], s['rt50'])} |")
    print(f"| POST /events round trip p99 | {ms(c['rt99'])} | {ms(s['rt99'])} | {ratio(c['rt99'], s['rt99'])} |")
    for label, group in (("node-b (local)", "local"), ("node-a (remote)", "remote")):
        for p in ("50", "99"):
            cv, sv = c.get(group + p, math.nan), s.get("single" + p, math.nan)
            print(f"| publish→receive p{p}, subscribers on {label} | {ms(cv)} | {ms(sv)} | {ratio(cv, sv)} |")
    for label, group in (("node-b (local)", "local"), ("node-a (remote)", "remote")):
        for p in ("50", "99"):
            cv, sv = c.get(f"first-{group}{p}", math.nan), s.get(f"first-single{p}", math.nan)
            print(f"| publish→first receipt p{p}, on {label} | {ms(cv)} | {ms(sv)} | {ratio(cv, sv)} |")
    for label, key in (("publishes/s", "publishes"), ("deliveries/s (reported delivered)", "delivered")):
        cv, sv = rate(cluster_tp, key), rate(single_tp, key)
        print(
            f"| throughput, {PUBLISHER_THREADS} publishers × {THROUGHPUT_SECONDS:.0f} s: {label} | {cv:,.0f} | "
            f"{sv:,.0f} | {ratio(sv, cv)} fewer |"
        )
    print()
    pub = failover["publish"]
    status, reply = pub.get("reply", (None, {}))
    stats_after = failover["stats_after_restart"]
    stale_connections, stale_subscriptions = (int(x) for x in failover["stale_rows"].split())
    print(
        f"| Failover (node-b runs with --report-timeout {FAILOVER_REPORT_TIMEOUT}; lease 8 s, heartbeat 2 s) | value |"
    )
    print("|---|---:|")
    print(
        f"| kill -9 node-a (50 subscribers) → node-b's /stats no longer counts them "
        f"(polled every {STATS_POLL_INTERVAL} s) | {failover['expiry']:.2f} s |"
    )
    print(
        f"| one publish through node-b while node-a is dead and its lease live | {pub.get('took', math.nan):.2f} s "
        f"(nodes {reply.get('nodes')}, answered {reply.get('nodesAnswered')}, delivered {reply.get('delivered')}) |"
    )
    print(
        f"| restart of node-a after its lease ran out: start → `listening on` | {failover['restart_clean']:.2f} s |"
    )
    print(
        f"| restart of node-a right after kill -9 (lease live, 50 stale rows): start → `listening on` | "
        f"{failover['restart_stale']:.2f} s |"
    )
    gone = stale_connections == 0 and stale_subscriptions == 0 and stats_after == (SUBSCRIBERS_PER_NODE,) * 2
    print(
        f"| stale rows of node-a gone when it said `listening on` | {'yes' if gone else 'no'} "
        f"({stale_connections} connection / {stale_subscriptions} subscription rows left; "
        f"node-b's /stats {stats_after}) |"
    )
    print()
    print("Raw numbers:")
    for name, result, tp in (("2 nodes", cluster_lat, cluster_tp), ("single", single_lat, single_tp)):
        rt = result["round_trips"]
        bad = result["bad_reports"]
        print(
            f"- {name}: POST round trip min/mean/max {ms(min(rt))} / {ms(sum(rt) / len(rt))} / {ms(max(rt))} "
            f"over {len(rt)} publishes; deliveries missing after {DELIVERY_WAIT:.0f} s: {result['missing']}; "
            f"unexpected reports: {len(bad)}{' ' + repr(bad[:2]) if bad else ''}"
        )
        for group, values in sorted(result["latencies"].items()):
            first = result["first"].get(group, [])
            print(
                f"  - {group}: {len(values)} receipts, publish→receive min/p50/p90/p99/max "
                + " / ".join(ms(percentile(values, p)) for p in (0, 50, 90, 99, 100))
                + "; first receipt of each publish min/p50/p90/p99/max "
                + " / ".join(ms(percentile(first, p)) for p in (0, 50, 90, 99, 100))
            )
        print(
            f"  - throughput: {tp['publishes']} publishes, {tp['delivered']} reported delivered, "
            f"{tp['received']} received by subscribers in {tp['elapsed']:.2f} s (drained {tp['drain']:.2f} s after "
            f"the last publish); HTTP errors {tp['errors']}{' (' + tp['last_error'] + ')' if tp['last_error'] else ''}"
        )
    print(
        "- throughput counts deliveries the subscribers of this same Python process read, on the same cores "
        "as the servers and PostgreSQL, so the client limits it too"
    )
    print(f"- node-b /stats after the kill (s since kill, (connections, subscriptions)): {failover['expiry_history']}")
    print(f"- publish while node-a's lease was live: status {status}, reply {reply}")
    for line in raw:
        print(f"- {line}")
    if unexpected:
        print(f"- unexpected messages at subscribers: {len(unexpected)}, first {unexpected[0]!r}")
    print(
        f"- load average (1/5/15 min): at start {loads['start']}, before the throughput run {loads['throughput']}, "
        f"at end {loads['end']}; {os.cpu_count()} cores, shared with other work"
    )


if __name__ == "__main__":
    sys.exit(main())
