"""Load and churn: thousands of loopback connections in overlapping waves subscribe to overlapping
entities, receive what `POST /events` publishes, and leave by every kind of disconnect. Afterwards
the stores are empty, every acknowledged subscription got every message published after its
acknowledgement, in order, and a second identical round leaves the server's peak memory where the
first put it.

One round runs `WAVES` waves; a wave connects `WAVE_CONNECTIONS` clients, and the next wave starts
connecting as soon as every client of this one holds its acknowledgements, so connects, publishes,
verification and disconnects of neighbouring waves run at the same time. Within a wave:

1. connect; each tracked client subscribes to `SUBSCRIPTIONS` of `ENTITIES` entities and waits for
   the acknowledgements (a few early leavers instead drop in the middle of the handshake or right
   after subscribing);
2. `STREAMS` publishers post `PUBLISHES` events in all, each publisher one after the other, so its
   events have a defined order;
3. each client waits until it holds every event that was published to one of its entities after
   its acknowledgement and answered by the time verification began (from any wave);
4. one third closes with a close handshake, one third resets the connection, one third sends a FIN
   without a close frame.

Checks, per client: no event it should not see (an entity it did not subscribe to, or an event
answered before it even asked); each publisher's events in publish order, none twice; everything
of step 3; and for clean closers, every event published after the acknowledgement and answered
before the close frame went out (the server writes them before its own close frame). Per event:
`delivered + gone + failed == recipients`, no `failed`, and `delivered` at least the number of
clients that were subscribed for the whole request.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import time
from dataclasses import dataclass, field

from loadkit import (
    OP_TEXT,
    Deadline,
    check_report,
    http_request,
    memory_kib,
    server_pid,
    ws_connect,
)
from support import wait_for_stats

WAVES = int(os.environ.get("LOAD_WAVES", "3"))
WAVE_CONNECTIONS = int(os.environ.get("LOAD_WAVE_CONNECTIONS", "1500"))
ENTITIES = [f"load-{index}" for index in range(int(os.environ.get("LOAD_ENTITIES", "50")))]
SUBSCRIPTIONS = 3
PUBLISHES = int(os.environ.get("LOAD_PUBLISHES", "150"))
STREAMS = 3
# Connections doing their handshake and subscriptions at once, per wave.
CONNECT_CONCURRENCY = 200
# Share of each wave that leaves early, untracked: mid-handshake, or right after subscribing.
EARLY_LEAVERS_PERCENT = 4
# Peak resident memory may grow this much from the first round to the second.
MAX_PEAK_GROWTH = 0.10
# Resident memory still held once a round is over, per TCP connection the round opened, beyond what
# the round before held; a per-connection leak shows here long before it moves the peak by 10 %.
MAX_RETAINED_BYTES_PER_CONNECTION = 1024
ROUND_SECONDS = 75
# How long a wave waits for events that should have reached its clients before it reports them lost.
VERIFY_SECONDS = 15
PAD = "p" * 96


@dataclass
class Publish:
    key: tuple[int, int, int, int]  # (round, wave, stream, seq)
    entity: str
    start: float
    end: float | None = None
    report: dict | None = None


@dataclass
class Round:
    number: int
    publishes: dict[tuple, Publish] = field(default_factory=dict)
    by_entity: dict[str, list[Publish]] = field(default_factory=dict)
    clients: list["Client"] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    early_leavers: int = 0
    received: int = 0

    def add(self, publish: Publish) -> None:
        self.publishes[publish.key] = publish
        self.by_entity.setdefault(publish.entity, []).append(publish)


class Client:
    """A tracked connection: what it asked for, when, and every event it received, in order."""

    def __init__(self, name: str, entities: list[str], mode: str, tracker: Round):
        self.name = name
        self.entities = entities
        self.mode = mode  # "clean", "reset" or "fin"
        self.tracker = tracker
        self.subscribe_sent: dict[str, float] = {}
        self.acked_at: dict[str, float] = {}
        self.all_acked = asyncio.get_running_loop().create_future()
        self.received: list[tuple] = []
        self.received_keys: set[tuple] = set()
        self.problems: list[str] = []
        self.disconnect_at = float("inf")
        self.ws = None

    def on_message(self, opcode: int, payload: bytes) -> None:
        now = time.monotonic()
        if opcode != OP_TEXT:
            self.problems.append(f"opcode {opcode} message {payload[:80]!r}")
            return
        try:
            value = json.loads(payload)
        except ValueError:
            self.problems.append(f"not JSON: {payload[:80]!r}")
            return
        if isinstance(value, dict) and "status" in value:
            entity = value.get("entityId")
            if value != {"status": "subscribed", "entityId": entity} or entity not in self.subscribe_sent:
                self.problems.append(f"unexpected answer {value!r}")
            elif entity in self.acked_at:
                self.problems.append(f"second acknowledgement for {entity}")
            else:
                self.acked_at[entity] = now
                if len(self.acked_at) == len(self.entities) and not self.all_acked.done():
                    self.all_acked.set_result(None)
            return
        if not (isinstance(value, dict) and set(value) == {"entityId", "message"}):
            self.problems.append(f"unexpected message {value!r}")
            return
        message = value["message"]
        try:
            key = (message["r"], message["w"], message["t"], message["s"])
        except (TypeError, KeyError):
            self.problems.append(f"event without a key {value!r}")
            return
        entity = value["entityId"]
        if entity not in self.subscribe_sent:
            self.problems.append(f"event {key} for {entity!r}, which this client never subscribed to")
        if message.get("e") != entity or message.get("pad") != PAD:
            self.problems.append(f"event {key} arrived altered: {value!r}")
        if key in self.received_keys:
            self.problems.append(f"event {key} arrived twice")
        self.received_keys.add(key)
        self.received.append(key)
        self.tracker.received += 1

    def ws_violations(self) -> list[str]:
        return list(self.ws.violations) if self.ws is not None else []

    def missing(self, answered_by: float) -> list[tuple]:
        """Events this client must hold: published to one of its entities after its acknowledgement,
        answered by `answered_by`."""
        missing = []
        for entity, acked in self.acked_at.items():
            for publish in self.tracker.by_entity.get(entity, ()):
                if publish.start > acked and publish.end is not None and publish.end <= answered_by:
                    if publish.key not in self.received_keys:
                        missing.append(publish.key)
        return missing


async def early_leaver(host: str, port: int, index: int, rng: random.Random) -> None:
    """A client that goes away before it is settled: in the middle of the handshake request, or by a
    reset right after sending its subscriptions (before their answers), or with a close frame and a
    FIN before reading anything."""
    kind = index % 3
    if kind == 0:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n")
        await writer.drain()
        writer.transport.abort()
        return
    ws = await ws_connect(host, port)
    for entity in rng.sample(ENTITIES, SUBSCRIPTIONS):
        ws.send_text(json.dumps({"action": "subscribe", "entityId": entity}))
    if kind == 1:
        ws.abort()
    else:
        ws.send_close(1001)
        ws.close_without_frame()


async def run_wave(
    tracker: Round, wave: int, host: str, port: int, settled: asyncio.Event, deadline: Deadline
) -> None:
    rng = random.Random(tracker.number * 1000 + wave)
    early = WAVE_CONNECTIONS * EARLY_LEAVERS_PERCENT // 100
    modes = ("clean", "reset", "fin")
    clients = [
        Client(f"r{tracker.number}w{wave}c{index}", rng.sample(ENTITIES, SUBSCRIPTIONS), modes[index % 3], tracker)
        for index in range(WAVE_CONNECTIONS - early)
    ]
    tracker.clients.extend(clients)
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def settle(client: Client) -> None:
        async with gate:
            deadline.check()
            client.ws = await ws_connect(host, port, on_message=client.on_message, timeout=deadline.remaining())
            for entity in client.entities:
                client.subscribe_sent[entity] = time.monotonic()
                client.ws.send_text(json.dumps({"action": "subscribe", "entityId": entity}))
            await asyncio.wait_for(asyncio.shield(client.all_acked), deadline.remaining())

    async def leave_early(index: int) -> None:
        async with gate:
            await early_leaver(host, port, index, rng)

    # Early leavers are spread through the wave so that they overlap the tracked clients' handshakes.
    work = [settle(client) for client in clients]
    for index in range(early):
        work.insert(index * len(work) // max(1, early), leave_early(index))
    try:
        await asyncio.gather(*work)
    finally:
        # The next wave starts now, while this one publishes, verifies and leaves.
        settled.set()
    tracker.early_leavers += early

    async def publisher(stream: int) -> None:
        for seq in range(PUBLISHES // STREAMS):
            deadline.check()
            entity = rng.choice(ENTITIES)
            key = (tracker.number, wave, stream, seq)
            message = {"r": key[0], "w": wave, "t": stream, "s": seq, "e": entity, "pad": PAD}
            body = json.dumps({"entityId": entity, "message": message}).encode()
            publish = Publish(key, entity, time.monotonic())
            tracker.add(publish)
            status, reply = await http_request(host, port, "POST", "/events", body, timeout=deadline.remaining())
            publish.end = time.monotonic()
            if status != 200:
                tracker.problems.append(f"POST /events {key} answered {status}: {reply!r}")
                continue
            publish.report = check_report(reply)

    await asyncio.gather(*(publisher(stream) for stream in range(STREAMS)))

    # Verification: everything answered by now must reach every client subscribed before it began.
    answered_by = time.monotonic()
    verify = Deadline(min(VERIFY_SECONDS, deadline.remaining()), "verification")
    waiting = clients
    while waiting and not verify.expired():
        waiting = [client for client in waiting if client.missing(answered_by)]
        if waiting:
            await asyncio.sleep(0.05)
    for client in waiting:
        missing = client.missing(answered_by)
        client.problems.append(f"{len(missing)} events never arrived before the disconnect, e.g. {missing[:3]}")

    async def leave(client: Client) -> None:
        client.disconnect_at = time.monotonic()
        ws = client.ws
        if client.mode == "clean":
            ws.send_close(1000)
            try:
                await asyncio.wait_for(asyncio.shield(ws.closed), min(10.0, max(0.1, deadline.remaining())))
            except asyncio.TimeoutError:
                client.problems.append("no end of the connection within 10 s of a close frame")
                ws.abort()
            if ws.close_code != 1000:
                client.problems.append(f"the close handshake was answered with {ws.close_code}, expected 1000")
        elif client.mode == "reset":
            ws.abort()
        else:
            ws.close_without_frame()

    await asyncio.gather(*(leave(client) for client in clients))


async def run_round(tracker: Round, host: str, port: int) -> None:
    deadline = Deadline(ROUND_SECONDS, f"round {tracker.number} of the churn test")
    previous: asyncio.Event | None = None
    tasks = []
    for wave in range(WAVES):
        if previous is not None:
            await asyncio.wait_for(previous.wait(), deadline.remaining())
        settled = asyncio.Event()
        tasks.append(asyncio.create_task(run_wave(tracker, wave, host, port, settled, deadline)))
        previous = settled
    results = await asyncio.gather(*tasks, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            tracker.problems.append(f"a wave failed: {result!r}")
    # Whatever a failed wave left open must not keep the server's counts up.
    for client in tracker.clients:
        if client.ws is not None and not client.ws.closed.done():
            client.ws.abort()


def check_round(tracker: Round) -> dict:
    """Every per-client and per-event rule of the module docstring; returns the round's figures."""
    problems = list(tracker.problems)
    subscribers: dict[str, list[Client]] = {}
    for client in tracker.clients:
        problems += [f"{client.name}: {problem}" for problem in client.problems + client.ws_violations()]
        for entity in client.acked_at:
            subscribers.setdefault(entity, []).append(client)
        last: dict[tuple, int] = {}
        for key in client.received:
            stream, seq = key[:3], key[3]
            if seq <= last.get(stream, -1):
                problems.append(f"{client.name}: event {key} arrived after seq {last[stream]} of its publisher")
            last[stream] = max(seq, last.get(stream, -1))
            publish = tracker.publishes.get(key)
            if publish is None:
                problems.append(f"{client.name}: event {key} was never published")
            elif publish.end is not None and publish.end < client.subscribe_sent.get(publish.entity, 0.0):
                problems.append(f"{client.name}: event {key} was answered before the client subscribed")
        if client.mode == "clean":
            missing = client.missing(client.disconnect_at)
            if missing:
                problems.append(
                    f"{client.name}: {len(missing)} events answered before its close frame never arrived, "
                    f"e.g. {missing[:3]}"
                )
    delivered = gone = failed = 0
    for publish in tracker.publishes.values():
        report = publish.report
        if report is None:
            continue
        delivered += report["delivered"]
        gone += report["gone"]
        failed += report["failed"]
        if "recipients" in report and report["delivered"] + report["gone"] + report["failed"] != report["recipients"]:
            problems.append(f"event {publish.key}: counts do not add up: {report}")
        if report["failed"]:
            problems.append(f"event {publish.key}: failed deliveries with no slow reader: {report}")
        steady = sum(
            1
            for client in subscribers.get(publish.entity, ())
            if client.acked_at[publish.entity] < publish.start and client.disconnect_at > publish.end
        )
        if report["delivered"] < steady:
            problems.append(
                f"event {publish.key}: delivered {report['delivered']}, but {steady} clients were subscribed "
                "throughout the request"
            )
    assert not problems, f"{len(problems)} problems, the first ones:\n" + "\n".join(problems[:25])
    return {
        "connections": len(tracker.clients) + tracker.early_leavers,
        "tcp_connections": len(tracker.clients) + tracker.early_leavers + len(tracker.publishes),
        "early_leavers": tracker.early_leavers,
        "subscriptions": sum(len(client.acked_at) for client in tracker.clients),
        "publishes": len(tracker.publishes),
        "reported_delivered": delivered,
        "reported_gone": gone,
        "received": tracker.received,
    }


def test_overlapping_waves_leave_nothing_behind_and_memory_flat(start_server):
    server = start_server()
    pid = server_pid(server.proc.pid)
    began = time.monotonic()
    figures = []
    for number in (1, 2):
        round_began = time.monotonic()
        tracker = Round(number)
        asyncio.run(run_round(tracker, server.host, server.port))
        try:
            wait_for_stats(server.port, connections=0, subscriptions=0, timeout=30)
        except AssertionError as error:
            raise AssertionError(f"round {number}: {error}\nserver output:\n{server.output(20)}") from None
        figures.append(check_round(tracker))
        figures[-1].update(memory_kib(pid), seconds=round(time.monotonic() - round_began, 1))
        assert server.proc.poll() is None, f"the server exited:\n{server.output()}"
    first, second = figures[0]["VmHWM"], figures[1]["VmHWM"]
    retained = (figures[1]["VmRSS"] - figures[0]["VmRSS"]) * 1024 // figures[1]["tcp_connections"]
    summary = {
        "rounds": figures,
        "retained_bytes_per_connection": retained,
        "seconds": round(time.monotonic() - began, 1),
    }
    print("\nchurn:", json.dumps(summary))
    assert second - first < MAX_PEAK_GROWTH * first, (
        f"peak resident memory grew from {first} KiB after round 1 to {second} KiB after an identical round 2 "
        f"(limit +{MAX_PEAK_GROWTH:.0%}); figures: {summary}"
    )
    assert retained < MAX_RETAINED_BYTES_PER_CONNECTION, (
        f"the server kept {retained} more bytes of resident memory per connection after round 2 than after round 1 "
        f"(limit {MAX_RETAINED_BYTES_PER_CONNECTION}): a per-connection leak; figures: {summary}"
    )
