"""Helpers for the end-to-end tests: the server process, a raw WebSocket client and raw HTTP.

The raw client exists because client libraries hide exactly what these tests check: they refuse to
send unmasked or reserved-bit frames, answer pings and close frames by themselves, and fold close
codes into exceptions. Every blocking call here takes a timeout, so a hung server fails a test
instead of hanging the run.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shlex
import signal
import socket
import struct
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[4]
DEFAULT_SERVER_CMD = "swift run -c release --package-path Examples/PubSubServer pubsub-server"
GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


BUILT_SERVER = REPO_ROOT / "Examples/PubSubServer/.build/release/pubsub-server"


def server_command() -> list[str]:
    """The command that starts the server, without host and port: PUBSUB_SERVER_CMD, else the release
    binary if built, else `swift run`. The binary is preferred because concurrent `swift run`s of one
    package wait on each other's build lock, and several tests run servers side by side."""
    if os.environ.get("PUBSUB_SERVER_CMD"):
        return shlex.split(os.environ["PUBSUB_SERVER_CMD"])
    if BUILT_SERVER.exists():
        return [str(BUILT_SERVER)]
    return shlex.split(DEFAULT_SERVER_CMD)


def startup_timeout() -> float:
    return float(os.environ.get("STARTUP_TIMEOUT", "180"))


class ServerProcess:
    """One running server on a free port of 127.0.0.1, in its own process group.

    Its output (standard output and error merged) is drained by a thread, so the server never
    blocks on a full pipe, and kept for failure messages.
    """

    def __init__(self, *flags: str, log_dir: Path | None = None):
        self.port = free_port()
        self.host = "127.0.0.1"
        self.flags = flags
        self.lines: list[str] = []
        self.saw_listening = False
        self._listening = threading.Event()
        cmd = server_command() + ["--host", self.host, "--port", str(self.port), *flags]
        self.cmd = cmd
        self.proc = subprocess.Popen(
            cmd,
            cwd=REPO_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()
        self._listening.wait(startup_timeout())
        if not self.saw_listening:
            # Either the timeout passed or the output ended (the server exited or closed it).
            try:
                code = self.proc.wait(1)
                problem = f"server exited with {code} before printing 'listening on'"
            except subprocess.TimeoutExpired:
                problem = f"server did not print 'listening on' within {startup_timeout()}s"
            self.stop()
            raise RuntimeError(f"{problem}: {' '.join(self.cmd)}\n{self.output()}")

    def _drain(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self.lines.append(line)
            if "listening on" in line and not self.saw_listening:
                self.saw_listening = True
                self._listening.set()
        # The pipe closed: the server is gone, so wake anyone waiting for it to listen.
        self._listening.set()

    def output(self, last: int = 60) -> str:
        return "\n".join(self.lines[-last:])

    @property
    def ws_url(self) -> str:
        return f"ws://{self.host}:{self.port}"

    @property
    def http_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def signal(self, signum: int) -> None:
        """Signals the whole group, so a `swift run` wrapper and the server both get it."""
        try:
            os.killpg(self.proc.pid, signum)
        except ProcessLookupError:
            pass

    def stop(self, grace: float = 10.0) -> None:
        if self.proc.poll() is None:
            self.signal(signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                self.signal(signal.SIGKILL)
                self.proc.wait(10)
        else:
            # The server is gone; its group may still hold children (a wrapper's).
            self.signal(signal.SIGKILL)
        self._reader.join(5)


# --- raw WebSocket ----------------------------------------------------------------------------


class PeerClosed(Exception):
    """The server closed the TCP connection (EOF or reset) while a frame was expected."""


def encode_frame(
    opcode: int,
    payload: bytes = b"",
    *,
    fin: bool = True,
    rsv: int = 0,
    mask: bool = True,
) -> bytes:
    """One frame as a client sends it; `mask=False` and `rsv` make deliberately invalid frames."""
    head = bytes([(0x80 if fin else 0) | (rsv & 0x7) << 4 | (opcode & 0xF)])
    length = len(payload)
    mask_bit = 0x80 if mask else 0
    if length < 126:
        head += bytes([mask_bit | length])
    elif length < 1 << 16:
        head += bytes([mask_bit | 126]) + struct.pack("!H", length)
    else:
        head += bytes([mask_bit | 127]) + struct.pack("!Q", length)
    if not mask:
        return head + payload
    key = os.urandom(4)
    return head + key + mask_bytes(payload, key)


def mask_bytes(payload: bytes, key: bytes) -> bytes:
    if not payload:
        return b""
    repeated = (key * (len(payload) // 4 + 1))[: len(payload)]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(len(payload), "big")


def close_payload(code: int, reason: str = "") -> bytes:
    return struct.pack("!H", code) + reason.encode()


class RawWebSocket:
    """A minimal client over a plain socket: handshake, frames, close codes, nothing automatic."""

    def __init__(
        self,
        port: int,
        path: str = "/",
        *,
        protocols: list[str] | None = None,
        timeout: float = 10.0,
        host: str = "127.0.0.1",
        extensions: str | None = None,
    ):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buffer = b""
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [
            f"GET {path} HTTP/1.1",
            f"Host: {host}:{port}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
        ]
        if protocols:
            lines.append("Sec-WebSocket-Protocol: " + ", ".join(protocols))
        if extensions:
            lines.append("Sec-WebSocket-Extensions: " + extensions)
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = self._read_until(b"\r\n\r\n", timeout)
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        self.status = int(status_line.split(" ")[1])
        self.headers: dict[str, str] = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            self.headers[name.strip().lower()] = value.strip()
        if self.status != 101:
            raise AssertionError(f"handshake answered {status_line!r}, expected 101")
        expected = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        if self.headers.get("sec-websocket-accept") != expected:
            raise AssertionError(f"Sec-WebSocket-Accept {self.headers.get('sec-websocket-accept')!r} != {expected!r}")

    def _read_until(self, marker: bytes, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        while marker not in self.buffer:
            self.buffer += self._recv_some(deadline)
        head, _, self.buffer = self.buffer.partition(marker)
        return head

    def _recv_some(self, deadline: float) -> bytes:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no data from the server in time")
        self.sock.settimeout(remaining)
        try:
            chunk = self.sock.recv(1 << 20)
        except socket.timeout as error:
            raise TimeoutError("no data from the server in time") from error
        except (ConnectionResetError, BrokenPipeError) as error:
            raise PeerClosed(str(error)) from error
        if not chunk:
            raise PeerClosed("EOF")
        return chunk

    def _read_exact(self, count: int, deadline: float) -> bytes:
        while len(self.buffer) < count:
            self.buffer += self._recv_some(deadline)
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def send_raw(self, data: bytes) -> None:
        """Sends bytes; a server that already closed (it may close before reading all) is not an error."""
        try:
            self.sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def send_frame(self, opcode: int, payload: bytes = b"", **kwargs) -> None:
        self.send_raw(encode_frame(opcode, payload, **kwargs))

    def send_text(self, text: str | bytes) -> None:
        self.send_frame(OP_TEXT, text.encode() if isinstance(text, str) else text)

    def send_binary(self, data: bytes) -> None:
        self.send_frame(OP_BINARY, data)

    def recv_frame(self, timeout: float = 5.0) -> tuple[bool, int, int, bytes]:
        """(fin, rsv, opcode, payload) of the next frame; server frames must not be masked."""
        deadline = time.monotonic() + timeout
        b0, b1 = self._read_exact(2, deadline)
        length = b1 & 0x7F
        if length == 126:
            length = struct.unpack("!H", self._read_exact(2, deadline))[0]
        elif length == 127:
            length = struct.unpack("!Q", self._read_exact(8, deadline))[0]
        if b1 & 0x80:
            raise AssertionError("the server sent a masked frame")
        payload = self._read_exact(length, deadline)
        return bool(b0 & 0x80), (b0 >> 4) & 0x7, b0 & 0x0F, payload

    def recv_message(self, timeout: float = 5.0) -> tuple[int, bytes]:
        """(opcode, payload) of the next data message, fragments joined; control frames other than
        close are skipped, a close frame raises AssertionError with its code."""
        deadline = time.monotonic() + timeout
        opcode, parts = None, []
        while True:
            fin, _, op, payload = self.recv_frame(max(0.0, deadline - time.monotonic()))
            if op == OP_CLOSE:
                raise AssertionError(f"expected a message, got close {parse_close(payload)}")
            if op in (OP_PING, OP_PONG):
                continue
            if opcode is None:
                opcode = op
            parts.append(payload)
            if fin:
                return opcode, b"".join(parts)

    def recv_json(self, timeout: float = 5.0):
        opcode, payload = self.recv_message(timeout)
        assert opcode == OP_TEXT, f"expected a text message, got opcode {opcode}"
        return json.loads(payload.decode())

    def expect_close(self, timeout: float = 5.0) -> tuple[int | None, str]:
        """Reads until the server's close frame and returns (code, reason), answering it and then
        checking that the server ends the TCP connection. Data frames before the close are skipped."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                _, _, op, payload = self.recv_frame(max(0.0, deadline - time.monotonic()))
            except PeerClosed as error:
                raise AssertionError(f"the server dropped the connection without a close frame ({error})") from error
            except TimeoutError as error:
                raise AssertionError(f"no close frame from the server within {timeout:.1f} s") from error
            if op == OP_CLOSE:
                break
        code, reason = parse_close(payload)
        self.send_raw(encode_frame(OP_CLOSE, payload[:2]))
        try:
            self.expect_eof(max(0.5, deadline - time.monotonic()))
        except TimeoutError as error:
            raise AssertionError(
                f"the server sent close {code} but did not end the TCP connection after the answer") from error
        return code, reason

    def expect_eof(self, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        try:
            while True:
                self.buffer = b""
                self.buffer += self._recv_some(deadline)
        except PeerClosed:
            return

    def expect_silence(self, seconds: float = 0.3) -> None:
        """Fails if any frame arrives within `seconds`."""
        try:
            frame = self.recv_frame(seconds)
        except TimeoutError:
            return
        raise AssertionError(f"unexpected frame from the server: {frame!r}")

    def close_cleanly(self, code: int = 1000, timeout: float = 5.0) -> int | None:
        """Client-initiated close handshake; returns the code the server echoed."""
        self.send_frame(OP_CLOSE, close_payload(code))
        deadline = time.monotonic() + timeout
        while True:
            _, _, op, payload = self.recv_frame(max(0.0, deadline - time.monotonic()))
            if op == OP_CLOSE:
                self.expect_eof(max(0.5, deadline - time.monotonic()))
                self.sock.close()
                return parse_close(payload)[0]

    def abort(self) -> None:
        """Ends the TCP connection with a reset, as a crashed client would (no close frame, no FIN)."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()

    def close_socket(self) -> None:
        self.sock.close()

    def subscribe(self, entity: str, action: str = "subscribe") -> dict:
        self.send_text(json.dumps({"action": action, "entityId": entity}))
        return self.recv_json()


def parse_close(payload: bytes) -> tuple[int | None, str]:
    if len(payload) < 2:
        return None, ""
    return struct.unpack("!H", payload[:2])[0], payload[2:].decode("utf-8", "replace")


# --- A client library's connection (websockets' sync client) ---------------------------------

def recv_json(ws, timeout: float = 5.0):
    """The next message of a `websockets` connection, which must be JSON text."""
    message = ws.recv(timeout=timeout)
    assert isinstance(message, str), f"expected a text message, got {message!r}"
    return json.loads(message)


def assert_silent(ws, seconds: float = 0.3) -> None:
    """Fails if the connection receives anything within `seconds`."""
    try:
        message = ws.recv(timeout=seconds)
    except TimeoutError:
        return
    raise AssertionError(f"unexpected message: {message!r}")


# --- HTTP -------------------------------------------------------------------------------------


def http(port: int, method: str, path: str, body: bytes | None = None, timeout: float = 10.0):
    """(status, parsed JSON body or raw bytes) of one request through urllib."""
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


def publish(port: int, entity: str, message, *, envelope: bool = False) -> dict:
    event = {"entityId": entity, "message": message}
    body = {"detail": event} if envelope else event
    status, reply = http(port, "POST", "/events", json.dumps(body).encode())
    assert status == 200, f"POST /events answered {status}: {reply!r}"
    assert isinstance(reply, dict), f"POST /events answered a non-object: {reply!r}"
    for key in ("delivered", "gone", "failed"):
        assert type(reply.get(key)) is int, f"POST /events reply lacks an integer {key!r}: {reply!r}"
    return reply


def stats(port: int) -> dict:
    status, reply = http(port, "GET", "/stats")
    assert status == 200, f"GET /stats answered {status}: {reply!r}"
    assert isinstance(reply, dict), reply
    assert type(reply.get("connections")) is int and type(reply.get("subscriptions")) is int, reply
    return reply


def wait_for_stats(port: int, connections: int, subscriptions: int, timeout: float = 5.0) -> None:
    """Polls /stats until it shows the counts; clean-up after a disconnect is allowed to lag a little."""
    deadline = time.monotonic() + timeout
    while True:
        current = stats(port)
        if current["connections"] == connections and current["subscriptions"] == subscriptions:
            return
        if time.monotonic() >= deadline:
            raise AssertionError(
                f"/stats shows {current}, expected connections={connections} subscriptions={subscriptions}"
            )
        time.sleep(0.05)


def raw_http(port: int, request: bytes, timeout: float = 10.0) -> tuple[int, dict[str, str], bytes, bool]:
    """Sends raw request bytes and reads the response: (status, headers, body, closed).

    `closed` tells whether the server ended the connection after the response (read to EOF, bounded
    by the timeout). Sending may fail halfway when the server answers early and closes; that is fine.
    """
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    deadline = time.monotonic() + timeout
    try:
        try:
            sock.sendall(request)
        except (BrokenPipeError, ConnectionResetError):
            pass
        data = b""
        closed = False
        while True:
            sock.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                closed = True
                break
            if not chunk:
                closed = True
                break
            data += chunk
            head, sep, rest = data.partition(b"\r\n\r\n")
            if sep:
                length = _content_length(head)
                if length is not None and len(rest) >= length and not _wants_close(head):
                    # A complete response on a connection the server may keep open: stop here.
                    break
        if not data:
            raise AssertionError(f"no HTTP response (connection {'closed' if closed else 'silent'})")
        head, _, body = data.partition(b"\r\n\r\n")
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        return int(status_line.split(" ")[1]), headers, body, closed
    finally:
        sock.close()


def _content_length(head: bytes) -> int | None:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            try:
                return int(value.strip())
            except ValueError:
                return None
    return None


def _wants_close(head: bytes) -> bool:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"connection" and b"close" in value.lower():
            return True
    return False


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
    assert strict(actual) == strict(expected), f"got {actual!r}, expected {expected!r}"
