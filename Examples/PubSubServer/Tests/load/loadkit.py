"""Helpers for the load tests: a lean asyncio WebSocket client, HTTP over asyncio, and the server's
memory figures from /proc.

The client is a bare `asyncio.Protocol` rather than a client library because the tests open
thousands of connections on a shared 2-core machine: a handshake and a frame here cost a few
microseconds of Python, and the test decides exactly how each connection ends (close handshake,
reset, or FIN without a close frame), which libraries hide. Every wait takes a timeout.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import resource
import socket
import struct
import time
from pathlib import Path
from typing import Callable

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


def raise_fd_limit(wanted: int) -> int:
    """Raises the soft limit on open files towards `wanted` (bounded by the hard limit) and returns
    the soft limit now in force. The server, started later as a child, inherits it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def mask(payload: bytes, key: bytes) -> bytes:
    if not payload:
        return b""
    repeated = (key * (len(payload) // 4 + 1))[: len(payload)]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(len(payload), "big")


def client_frame(opcode: int, payload: bytes) -> bytes:
    """One final, masked frame as a client must send it."""
    length = len(payload)
    if length < 126:
        head = struct.pack("!BB", 0x80 | opcode, 0x80 | length)
    elif length < 1 << 16:
        head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, length)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, length)
    key = os.urandom(4)
    return head + key + mask(payload, key)


class HandshakeError(Exception):
    pass


class WSClient(asyncio.Protocol):
    """One client connection. Data messages go to `on_message(opcode, payload)`; pings are answered;
    a server close frame is recorded in `close_code` and answered, and the client then waits for
    the server to end TCP. `closed` resolves when the transport is gone, with the error if any.
    """

    def __init__(self, host: str, port: int, path: str, on_message: Callable[[int, bytes], None] | None):
        loop = asyncio.get_running_loop()
        self.key = base64.b64encode(os.urandom(16))
        self.request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: websocket\r\n"
        ).encode() + b"Sec-WebSocket-Key: " + self.key + b"\r\n\r\n"
        self.opened: asyncio.Future[None] = loop.create_future()
        self.closed: asyncio.Future[BaseException | None] = loop.create_future()
        self.on_message = on_message
        self.messages: list[tuple[int, bytes]] = []
        self.buffer = bytearray()
        self.upgraded = False
        self.fragments: list[bytes] | None = None
        self.fragment_opcode = 0
        self.close_code: int | None = None
        self.close_reason = ""
        self.sent_close = False
        self.received_bytes = 0
        self.violations: list[str] = []
        self.transport: asyncio.Transport | None = None

    # asyncio.Protocol

    def connection_made(self, transport) -> None:
        self.transport = transport
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        self.received_bytes += len(data)
        self.buffer += data
        if not self.upgraded:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > 65536:
                    self._fail_open(HandshakeError("handshake response head over 64 KiB"))
                return
            head = bytes(self.buffer[:end]).decode("latin-1")
            del self.buffer[: end + 4]
            error = self._check_handshake(head)
            if error:
                self._fail_open(HandshakeError(error))
                return
            self.upgraded = True
            if not self.opened.done():
                self.opened.set_result(None)
        self._parse_frames()

    def eof_received(self) -> bool:
        return False

    def connection_lost(self, exc) -> None:
        if not self.opened.done():
            self.opened.set_exception(exc or ConnectionError("connection closed during the handshake"))
        if not self.closed.done():
            self.closed.set_result(exc)

    # Sending

    def send_text(self, text: str | bytes) -> None:
        if isinstance(text, str):
            text = text.encode()
        self.transport.write(client_frame(OP_TEXT, text))

    def send_close(self, code: int = 1000) -> None:
        if not self.sent_close:
            self.sent_close = True
            self.transport.write(client_frame(OP_CLOSE, struct.pack("!H", code)))

    def abort(self) -> None:
        """Ends the connection with a reset, as a crashed client would: no close frame, no FIN."""
        sock = self.transport.get_extra_info("socket")
        if sock is not None:
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass
        self.transport.abort()

    def close_without_frame(self) -> None:
        """Ends the connection with a FIN and no close frame."""
        self.transport.close()

    # Internals

    def _fail_open(self, error: Exception) -> None:
        if not self.opened.done():
            self.opened.set_exception(error)
        self.transport.abort()

    def _check_handshake(self, head: str) -> str | None:
        status_line, *lines = head.split("\r\n")
        parts = status_line.split(" ")
        if len(parts) < 2 or parts[1] != "101":
            return f"handshake answered {status_line!r}"
        headers = {}
        for line in lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        expected = base64.b64encode(hashlib.sha1(self.key + GUID).digest()).decode()
        if headers.get("sec-websocket-accept") != expected:
            return f"Sec-WebSocket-Accept {headers.get('sec-websocket-accept')!r} != {expected!r}"
        return None

    def _parse_frames(self) -> None:
        buffer = self.buffer
        position = 0
        available = len(buffer)
        while available - position >= 2:
            b0 = buffer[position]
            b1 = buffer[position + 1]
            length = b1 & 0x7F
            header = 2
            if length == 126:
                if available - position < 4:
                    break
                length = (buffer[position + 2] << 8) | buffer[position + 3]
                header = 4
            elif length == 127:
                if available - position < 10:
                    break
                length = struct.unpack_from("!Q", buffer, position + 2)[0]
                header = 10
            if b1 & 0x80:
                self.violations.append("the server sent a masked frame")
                self.transport.abort()
                return
            if available - position < header + length:
                break
            payload = bytes(buffer[position + header : position + header + length])
            position += header + length
            self._frame(b0 & 0x80 != 0, b0 & 0x0F, payload)
        if position:
            del buffer[:position]

    def _frame(self, fin: bool, opcode: int, payload: bytes) -> None:
        if opcode == OP_CLOSE:
            if self.close_code is None:
                self.close_code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                self.close_reason = payload[2:].decode("utf-8", "replace")
            if not self.sent_close:
                self.sent_close = True
                self.transport.write(client_frame(OP_CLOSE, payload[:2]))
            return
        if opcode == OP_PING:
            if not self.sent_close:
                self.transport.write(client_frame(OP_PONG, payload))
            return
        if opcode == OP_PONG:
            return
        if opcode == OP_CONT:
            if self.fragments is None:
                self.violations.append("continuation frame without a message")
                return
            self.fragments.append(payload)
            if fin:
                message, self.fragments = b"".join(self.fragments), None
                self._deliver(self.fragment_opcode, message)
            return
        if self.fragments is not None:
            self.violations.append("new data frame inside a fragmented message")
        if fin:
            self._deliver(opcode, payload)
        else:
            self.fragments, self.fragment_opcode = [payload], opcode

    def _deliver(self, opcode: int, payload: bytes) -> None:
        if self.on_message is None:
            self.messages.append((opcode, payload))
        else:
            self.on_message(opcode, payload)


async def ws_connect(
    host: str,
    port: int,
    path: str = "/",
    *,
    on_message: Callable[[int, bytes], None] | None = None,
    rcvbuf: int | None = None,
    timeout: float = 15.0,
) -> WSClient:
    """Opens a WebSocket connection and completes its handshake; `rcvbuf` sets SO_RCVBUF before
    connecting (after, it would not shrink the advertised window)."""
    loop = asyncio.get_running_loop()
    factory = lambda: WSClient(host, port, path, on_message)  # noqa: E731
    if rcvbuf is None:
        connecting = loop.create_connection(factory, host, port)
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        sock.setblocking(False)
        try:
            await asyncio.wait_for(loop.sock_connect(sock, (host, port)), timeout)
        except BaseException:
            sock.close()
            raise
        connecting = loop.create_connection(factory, sock=sock)
    transport, client = await asyncio.wait_for(connecting, timeout)
    try:
        await asyncio.wait_for(asyncio.shield(client.opened), timeout)
    except BaseException:
        transport.abort()
        raise
    return client


async def http_request(
    host: str, port: int, method: str, path: str, body: bytes | None = None, timeout: float = 15.0
) -> tuple[int, object]:
    """(status, JSON body, or raw bytes if not JSON) of one request; the server closes after each."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    try:
        head = f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        writer.write(head.encode() + b"\r\n" + (body or b""))
        data = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
    head_bytes, _, payload = data.partition(b"\r\n\r\n")
    status_line = head_bytes.split(b"\r\n", 1)[0].decode("latin-1")
    parts = status_line.split(" ")
    if len(parts) < 2 or not parts[1].isdigit():
        raise AssertionError(f"{method} {path}: no HTTP response, got {data[:200]!r}")
    try:
        return int(parts[1]), json.loads(payload)
    except ValueError:
        return int(parts[1]), payload


def check_report(reply: object) -> dict:
    """The parsed `POST /events` answer, checked for its integer counts."""
    assert isinstance(reply, dict), f"POST /events answered a non-object: {reply!r}"
    for key in ("delivered", "gone", "failed"):
        assert type(reply.get(key)) is int, f"POST /events reply lacks an integer {key!r}: {reply!r}"
    return reply


# --- server memory ----------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text()
            found.extend(int(child) for child in text.split())
    except OSError:
        pass
    return found


def server_pid(root: int) -> int:
    """The pid of the server itself under `root`, the process the tests started: `root` when it is
    the binary, else its descendant with the largest resident set (a `swift run` wrapper's child)."""
    descendants, frontier = [], [root]
    while frontier:
        pid = frontier.pop()
        descendants.append(pid)
        frontier.extend(_children(pid))
    for pid in descendants:
        try:
            if Path(f"/proc/{pid}/comm").read_text().strip().startswith("pubsub-server"):
                return pid
        except OSError:
            continue
    return max(descendants, key=lambda pid: memory_kib(pid).get("VmRSS", 0))


def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak resident set) of `pid` in KiB; empty if the process is gone."""
    figures = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                figures[name] = int(value.split()[0])
    except OSError:
        pass
    return figures


class Deadline:
    """A point in time that every loop of a test checks, so nothing waits without bound."""

    def __init__(self, seconds: float, what: str):
        self.at = time.monotonic() + seconds
        self.what = what

    def remaining(self) -> float:
        return max(0.0, self.at - time.monotonic())

    def expired(self) -> bool:
        return time.monotonic() >= self.at

    def check(self) -> None:
        if self.expired():
            raise AssertionError(f"deadline passed: {self.what}")
