"""A slow reader: clients that subscribe and then stop reading, beside clients that read at full
speed, while large events are published. The server must give up on the slow ones as its policy
says (close 1008 once more than `--max-pending-outbound-bytes` is queued for them; the close frame
reaches a client that reads again, else the connection is dropped), report them in `POST /events`,
forget them in `/stats`, lose nothing of the fast clients' traffic, and keep its memory bounded.

The fast clients are kept provably fast: the publisher waits until each has received all but the
last `WINDOW` events (well under the cap) before it publishes the next, so any close of a fast
client is the server's fault, not the test machine's.
"""

from __future__ import annotations

import asyncio
import json
import time

from loadkit import OP_TEXT, Deadline, check_report, http_request, memory_kib, server_pid, ws_connect
from support import wait_for_stats

MAX_PENDING_OUTBOUND = 1024 * 1024
EVENTS = 320
EVENT_BYTES = 64 * 1024
FAST_CLIENTS = 4
WINDOW = 4
# Receive buffer of the slow clients; the kernel rounds it up to its minimum.
SLOW_RCVBUF = 4096
MAX_RSS_KIB = 300 * 1024
ENTITY = "slow-reader-feed"
TEST_SECONDS = 90


def pad(seq: int) -> str:
    """A payload that differs per event, so a mixed-up or cut message shows."""
    unit = f"<{seq:06d}>"
    return (unit * (EVENT_BYTES // len(unit) + 1))[:EVENT_BYTES]


class Reader:
    """Collects the sequence numbers of the events one client receives, checking each payload."""

    def __init__(self, name: str):
        self.name = name
        self.seqs: list[int] = []
        self.acked = asyncio.get_running_loop().create_future()
        self.progress = asyncio.Event()
        self.problems: list[str] = []

    def on_message(self, opcode: int, payload: bytes) -> None:
        if opcode != OP_TEXT:
            self.problems.append(f"opcode {opcode}")
            return
        value = json.loads(payload)
        if value == {"status": "subscribed", "entityId": ENTITY}:
            if not self.acked.done():
                self.acked.set_result(None)
            return
        try:
            seq = value["message"]["s"]
            intact = value == {"entityId": ENTITY, "message": {"s": seq, "pad": pad(seq)}}
        except (TypeError, KeyError):
            intact, seq = False, None
        if not intact:
            self.problems.append(f"unexpected or altered message {payload[:100]!r}")
            return
        self.seqs.append(seq)
        self.progress.set()


async def subscribe(host: str, port: int, reader: Reader, deadline: Deadline, rcvbuf: int | None = None):
    ws = await ws_connect(host, port, on_message=reader.on_message, rcvbuf=rcvbuf, timeout=deadline.remaining())
    ws.send_text(json.dumps({"action": "subscribe", "entityId": ENTITY}))
    await asyncio.wait_for(asyncio.shield(reader.acked), deadline.remaining())
    return ws


def closed_in_log(server, address: str) -> bool:
    """Whether the server logged the end of the WebSocket connection from `address` ("close ID from
    ADDRESS", written when the server lets go of the channel)."""
    return any(line.startswith("close ") and line.endswith(f" from {address}") for line in list(server.lines))


async def scenario(server, pid: int) -> dict:
    host, port = server.host, server.port
    deadline = Deadline(TEST_SECONDS, "slow reader test")
    fast = [Reader(f"fast-{index}") for index in range(FAST_CLIENTS)]
    fast_ws = [await subscribe(host, port, reader, deadline) for reader in fast]
    # `reader_again` resumes reading as soon as a report shows it was given up, in time to receive the
    # 1008 close; `never_again` resumes only after the server has let it go.
    reader_again, never_again = Reader("slow-reads-again"), Reader("slow-never-again")
    slow_ws = {}
    for reader in (reader_again, never_again):
        ws = await subscribe(host, port, reader, deadline, rcvbuf=SLOW_RCVBUF)
        ws.transport.pause_reading()
        slow_ws[reader.name] = ws
    await asyncio.to_thread(wait_for_stats, port, FAST_CLIENTS + 2, FAST_CLIENTS + 2, 10)

    reports = []
    max_rss = 0
    given_up_at = None
    for seq in range(EVENTS):
        # Flow control for the fast clients only: they are never more than WINDOW events behind.
        for reader in fast:
            while len(reader.seqs) < seq - WINDOW:
                reader.progress.clear()
                await asyncio.wait_for(reader.progress.wait(), deadline.remaining())
        body = json.dumps({"entityId": ENTITY, "message": {"s": seq, "pad": pad(seq)}}).encode()
        status, reply = await http_request(host, port, "POST", "/events", body, timeout=deadline.remaining())
        assert status == 200, f"POST /events #{seq} answered {status}: {reply!r}"
        reports.append(check_report(reply))
        if given_up_at is None and (reply["failed"] or reply["gone"]):
            given_up_at = seq
            slow_ws[reader_again.name].transport.resume_reading()
        max_rss = max(max_rss, memory_kib(pid).get("VmRSS", 0))

    for reader in fast:
        while len(reader.seqs) < EVENTS and not deadline.expired():
            reader.progress.clear()
            try:
                await asyncio.wait_for(reader.progress.wait(), min(1.0, deadline.remaining()))
            except asyncio.TimeoutError:
                pass
    # The slow ones must be gone from the stores while the fast ones stay.
    await asyncio.to_thread(wait_for_stats, port, FAST_CLIENTS, FAST_CLIENTS, 20)

    # Without reading, the one that never reads again cannot receive the close frame: the server
    # must end its connection anyway once the close handshake times out.
    never_ws = slow_ws[never_again.name]
    address = "127.0.0.1:%d" % never_ws.transport.get_extra_info("sockname")[1]
    assert any(line.endswith(f" from {address}") for line in list(server.lines)), (
        f"no server log line names the slow client at {address}; the log format changed?"
    )
    while not closed_in_log(server, address) and not deadline.expired():
        await asyncio.sleep(0.05)
    assert closed_in_log(server, address), (
        f"the server never ended the connection of the slow client at {address}, which stopped reading"
    )
    never_ws.transport.resume_reading()
    for ws in slow_ws.values():
        try:
            await asyncio.wait_for(asyncio.shield(ws.closed), deadline.remaining())
        except asyncio.TimeoutError:
            ws.abort()
            raise AssertionError("a slow client's connection was not ended by the server") from None

    for ws in fast_ws:
        ws.send_close(1000)
    for ws in fast_ws:
        await asyncio.wait_for(asyncio.shield(ws.closed), deadline.remaining())
    await asyncio.to_thread(wait_for_stats, port, 0, 0, 10)

    return {
        "fast": fast,
        "fast_ws": fast_ws,
        "slow": {reader.name: (reader, slow_ws[reader.name]) for reader in (reader_again, never_again)},
        "reports": reports,
        "given_up_at": given_up_at,
        "max_rss_kib": max_rss,
    }


def test_slow_readers_are_closed_and_fast_readers_lose_nothing(start_server):
    server = start_server("--max-pending-outbound-bytes", str(MAX_PENDING_OUTBOUND))
    pid = server_pid(server.proc.pid)
    began = time.monotonic()
    result = asyncio.run(scenario(server, pid))
    seconds = round(time.monotonic() - began, 1)
    reports = result["reports"]

    peak = memory_kib(pid).get("VmHWM", 0)
    figures = {
        "events": EVENTS,
        "event_bytes": EVENT_BYTES,
        "fast_clients": FAST_CLIENTS,
        "fast_deliveries": sum(len(reader.seqs) for reader in result["fast"]),
        "slow_received": {name: len(reader.seqs) for name, (reader, _) in result["slow"].items()},
        "slow_close_codes": {name: ws.close_code for name, (_, ws) in result["slow"].items()},
        "given_up_at_event": result["given_up_at"],
        "reported_failed": sum(report["failed"] for report in reports),
        "reported_gone": sum(report["gone"] for report in reports),
        "max_rss_kib": result["max_rss_kib"],
        "peak_rss_kib": peak,
        "seconds": seconds,
    }
    print("\nslow reader:", json.dumps(figures))

    for reader, ws in zip(result["fast"], result["fast_ws"]):
        assert not reader.problems, f"{reader.name}: {reader.problems[:5]}"
        assert reader.seqs == list(range(EVENTS)), (
            f"{reader.name} received {len(reader.seqs)} of {EVENTS} events, or out of order: "
            f"first differences {[(i, s) for i, s in enumerate(reader.seqs) if s != i][:5]}"
        )
        assert ws.close_code == 1000, f"{reader.name} was closed with {ws.close_code} {ws.close_reason!r}"

    for name, (reader, ws) in result["slow"].items():
        assert not reader.problems, f"{name}: {reader.problems[:5]}"
        received = len(reader.seqs)
        assert reader.seqs == list(range(received)), f"{name} received a gap or disorder: {reader.seqs[:20]}…"
        assert received < EVENTS, f"{name} received all {EVENTS} events although it never read"
        if ws.close_code is not None:
            assert ws.close_code == 1008, f"{name} was closed with {ws.close_code} {ws.close_reason!r}, expected 1008"
    code = result["slow"]["slow-reads-again"][1].close_code
    assert code == 1008, f"the slow client that read again got close code {code}, expected 1008"

    assert result["max_rss_kib"] < MAX_RSS_KIB and peak < MAX_RSS_KIB, (
        f"server resident memory reached {result['max_rss_kib']} KiB (peak {peak} KiB), limit {MAX_RSS_KIB} KiB"
    )

    # Each report counts every subscriber once; every fast client is delivered every event.
    for seq, report in enumerate(reports):
        if "recipients" in report:
            assert report["delivered"] + report["gone"] + report["failed"] == report["recipients"], (seq, report)
        assert report["delivered"] >= FAST_CLIENTS, f"event {seq}: {report}"
    failed, gone = figures["reported_failed"], figures["reported_gone"]
    assert failed + gone >= 2, f"the two slow readers were not both given up: failed {failed}, gone {gone}"
    # The policy: the event that finds a slow reader over its cap is not delivered to it, and the
    # publisher hears so as a failure (the connection is gone only for later events).
    assert failed >= 1, (
        f"no POST /events report counted a slow reader as failed; they were reported gone {gone} times; "
        f"reports from event {result['given_up_at']}: {reports[result['given_up_at']:][:3]}"
    )

