"""Slack's Socket Mode, as the simulator speaks it.

`apps.connections.open` (with the app-level token) gives a `ws://127.0.0.1…/link/?ticket=…`
URL; each ticket opens one connection. Slack's protocol, as its docs give it
(docs.slack.dev/apis/events-api/using-socket-mode) and slack_sdk's `socket_mode` reads it:

- on connecting, Slack sends `hello` (`num_connections`, `debug_info` with
  `approximate_connection_time`, `connection_info.app_id`);
- each payload comes in an envelope: `{"envelope_id", "type": "events_api" | "slash_commands" |
  "interactive", "payload", "accepts_response_payload"}`, events with `retry_attempt` and
  `retry_reason`; the payloads are the same as over HTTP (a slash command's form fields as an
  object);
- the app acknowledges with `{"envelope_id", "payload"?}` within 3 seconds, or Slack counts it
  as not received (and sends an event again, `retry_reason: "timeout"`);
- Slack sends `{"type": "disconnect", "reason": "warning" | "refresh_requested" |
  "link_disabled"}` and then closes the connection; connections also drop without warning.

The WebSocket itself (RFC 6455's handshake and framing) is written here over plain sockets, not
with a WebSocket library: the tests need exactly what libraries exist to prevent, a connection
dropped without a close frame (a FIN) or reset (an RST), a server that sends `disconnect` and
then stalls, and full control of when each frame goes. The simulator is also part of the
product (`oneonone demo --socket`), and takes no dependency only for itself.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import logging
import socket
import struct
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

logger = logging.getLogger(__name__)

ACK_SECONDS = 3.0  # Slack's limit for an acknowledgement
WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455, section 1.3
TEXT, CLOSE, PING, PONG, CONTINUATION = 0x1, 0x8, 0x9, 0xA, 0x0


@dataclass
class Ack:
    """An envelope's acknowledgement: its optional `payload`, and how long it took."""

    envelope_id: str
    type: str
    payload: dict[str, Any] | None
    seconds: float


@dataclass
class _Pending:
    sent_at: float
    type: str
    done: threading.Event = field(default_factory=threading.Event)
    ack: Ack | None = None


class _Connection:
    """One WebSocket connection from the app: frames out (unmasked), frames in (masked)."""

    def __init__(self, server: SocketModeServer, sock: socket.socket, number: int) -> None:
        self.server = server
        self.sock = sock
        self.number = number
        self.open = True
        self.refreshing = False  # told to go: new envelopes go elsewhere
        self._send_lock = threading.Lock()

    def send_json(self, message: dict[str, Any]) -> None:
        self._send_frame(TEXT, json.dumps(message).encode())

    def _send_frame(self, opcode: int, data: bytes) -> None:
        length = len(data)
        if length < 126:
            header = struct.pack("!BB", 0x80 | opcode, length)
        elif length < 2**16:
            header = struct.pack("!BBH", 0x80 | opcode, 126, length)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 127, length)
        with self._send_lock:
            self.sock.sendall(header + data)

    def read_forever(self) -> None:
        message = b""
        try:
            while self.open:
                final, opcode, data = self._read_frame()
                if opcode == PING:
                    self._send_frame(PONG, data)
                elif opcode == CLOSE:
                    self._send_frame(CLOSE, data[:2])
                    break
                elif opcode in (TEXT, CONTINUATION):
                    message += data
                    if final:
                        self.server._received(self, message)
                        message = b""
        except (OSError, ConnectionError, EOFError):
            pass
        finally:
            self._close_socket()

    def _read_frame(self) -> tuple[bool, int, bytes]:
        first, second = self._read(2)
        length = second & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", self._read(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", self._read(8))
        mask = self._read(4) if second & 0x80 else b"\0\0\0\0"
        data = self._read(length)
        unmasked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        return bool(first & 0x80), first & 0x0F, unmasked

    def _read(self, count: int) -> bytes:
        chunks = b""
        while len(chunks) < count:
            chunk = self.sock.recv(count - len(chunks))
            if not chunk:
                raise EOFError
            chunks += chunk
        return chunks

    def close(self, code: int = 1000) -> None:
        """A clean close: a close frame, then the socket."""
        with contextlib.suppress(OSError):
            self._send_frame(CLOSE, struct.pack("!H", code))
        self._close_socket()

    def drop(self, how: str) -> None:
        """Gone without a close frame: "fin" (the TCP connection ends in order) or "rst" (it is
        reset, as by a load balancer or a crash). Shutting the reading side first wakes this
        connection's reader, so that the close that follows is the socket's last, and goes out
        at once: a FIN, or, with a zero linger, an RST."""
        if how == "rst":
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RD if how == "rst" else socket.SHUT_RDWR)
        self._close_socket()

    def _close_socket(self) -> None:
        if self.open:
            self.open = False
            with contextlib.suppress(OSError):
                self.sock.close()
            self.server._gone(self)


class SocketModeServer:
    """The simulator's Socket Mode endpoint. `deliver` sends one envelope to the app and waits
    for its ack; `disconnect` and `drop` misbehave as Slack does."""

    def __init__(self, app_id: str) -> None:
        self.app_id = app_id
        self.acks: list[Ack] = []
        self.connected = 0  # connections ever opened
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._tickets: set[str] = set()
        self._connections: list[_Connection] = []
        self._pending: dict[str, _Pending] = {}
        self._changed = threading.Condition()
        self._running = True
        threading.Thread(target=self._accept_forever, daemon=True, name="socket-mode").start()

    # -- what apps.connections.open gives ---------------------------------------------------

    def new_url(self) -> str:
        ticket = str(uuid.uuid4())
        with self._changed:
            self._tickets.add(ticket)
        return f"ws://127.0.0.1:{self.port}/link/?ticket={ticket}&app_id={self.app_id}"

    # -- connections -------------------------------------------------------------------------

    def _accept_forever(self) -> None:
        while self._running:
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._open, args=(sock,), daemon=True).start()

    def _open(self, sock: socket.socket) -> None:
        sock.settimeout(10)
        request = b""
        while b"\r\n\r\n" not in request and len(request) < 16384:
            chunk = sock.recv(4096)
            if not chunk:
                sock.close()
                return
            request += chunk
        head = request.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        path = head[0].split(" ")[1] if len(head[0].split(" ")) > 1 else ""
        headers = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(":") for line in head[1:])
        }
        ticket = (parse_qs(urlsplit(path).query).get("ticket") or [""])[0]
        with self._changed:
            valid = ticket in self._tickets
            self._tickets.discard(ticket)  # a ticket opens one connection
        key = headers.get("sec-websocket-key")
        if not valid or not key:
            sock.sendall(b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n")
            sock.close()
            return
        # RFC 6455 fixes SHA-1 for the handshake; it proves nothing secret.
        digest = hashlib.sha1((key + WEBSOCKET_GUID).encode(), usedforsecurity=False).digest()
        accept = base64.b64encode(digest)
        sock.sendall(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n"
        )
        sock.settimeout(None)
        with self._changed:
            self.connected += 1
            connection = _Connection(self, sock, self.connected)
            self._connections.append(connection)
            count = len(self._connections)
        connection.send_json(
            {
                "type": "hello",
                "num_connections": count,
                "debug_info": {
                    "host": f"applink-simulated-{connection.number}",
                    "build_number": 1,
                    "approximate_connection_time": 18060,
                },
                "connection_info": {"app_id": self.app_id},
            }
        )
        with self._changed:
            self._changed.notify_all()
        connection.read_forever()

    def _gone(self, connection: _Connection) -> None:
        with self._changed:
            if connection in self._connections:
                self._connections.remove(connection)
            self._changed.notify_all()

    def wait_for_connections(self, count: int = 1, *, timeout: float = 10.0, ever: int = 0) -> None:
        """Until `count` connections are open (and, with `ever`, that many were ever opened)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self._usable()) < count or self.connected < ever:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(
                        f"{len(self._usable())} Socket Mode connections open, not {count}"
                    )
                self._changed.wait(left)

    def wait_until_none_open(self, *, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._connections:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{len(self._connections)} connections still open")
                self._changed.wait(left)

    def _usable(self) -> list[_Connection]:
        return [c for c in self._connections if c.open and not c.refreshing]

    # -- envelopes ---------------------------------------------------------------------------

    def deliver(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        retry_attempt: int = 0,
        retry_reason: str = "",
        wait: float = ACK_SECONDS,
    ) -> Ack | None:
        """Send one envelope on the newest connection and wait for its ack; None if none came
        within `wait` (Slack's 3 s). An envelope sent while no connection is open waits for one
        (as Slack queues them briefly) within the same time."""
        envelope_id = str(uuid.uuid4())
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
        }
        if kind == "events_api":
            envelope["retry_attempt"] = retry_attempt
            envelope["retry_reason"] = retry_reason
        pending = _Pending(time.monotonic(), kind)
        with self._changed:
            self._pending[envelope_id] = pending
        deadline = pending.sent_at + wait
        while True:
            connection = self._newest(deadline)
            if connection is None:
                return None
            try:
                connection.send_json(envelope)
                break
            except OSError:  # it went as we sent: Slack sends it on another
                connection._close_socket()
        pending.done.wait(max(deadline - time.monotonic(), 0))
        with self._changed:
            self._pending.pop(envelope_id, None)
        return pending.ack

    def deliver_until_acked(
        self, payload: dict[str, Any], *, attempts: int = 4
    ) -> list[Ack | None]:
        """An event as Slack sends it: again, with `retry_attempt` and `retry_reason: timeout`,
        each time no ack came in time (the first try and three retries)."""
        results: list[Ack | None] = []
        for attempt in range(attempts):
            reason = "timeout" if attempt else ""
            results.append(
                self.deliver("events_api", payload, retry_attempt=attempt, retry_reason=reason)
            )
            if results[-1] is not None:
                break
        return results

    def _newest(self, deadline: float) -> _Connection | None:
        with self._changed:
            while not self._usable():
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._changed.wait(left)
            return self._usable()[-1]

    def _received(self, connection: _Connection, raw: bytes) -> None:
        try:
            message = json.loads(raw)
        except ValueError:
            logger.warning("socket mode: not JSON from the app: %r", raw[:200])
            return
        envelope_id = message.get("envelope_id") if isinstance(message, dict) else None
        with self._changed:
            pending = self._pending.get(envelope_id) if isinstance(envelope_id, str) else None
        if pending is None:
            return  # a late ack, or one for an envelope that was never sent
        ack = Ack(
            envelope_id, pending.type, message.get("payload"), time.monotonic() - pending.sent_at
        )
        self.acks.append(ack)
        pending.ack = ack
        pending.done.set()

    # -- Slack's own disturbances ------------------------------------------------------------

    def disconnect(self, reason: str, *, close_after: float | None = None) -> None:
        """Send `disconnect` on every open connection. `refresh_requested` (and
        `link_disabled`) also mark them as going: new envelopes wait for the new connection.
        With `close_after`, the old connections are then closed that many seconds later."""
        with self._changed:
            connections = list(self._usable())
        for connection in connections:
            if reason != "warning":
                connection.refreshing = True
            try:
                connection.send_json(
                    {
                        "type": "disconnect",
                        "reason": reason,
                        "debug_info": {"host": f"applink-simulated-{connection.number}"},
                    }
                )
            except OSError:
                connection._close_socket()
        if close_after is not None:
            for connection in connections:
                timer = threading.Timer(close_after, connection.close)
                timer.daemon = True
                timer.start()

    def drop(self, how: str) -> None:
        """Every open connection gone at once without a close frame: "fin" or "rst"."""
        with self._changed:
            connections = list(self._connections)
        for connection in connections:
            connection.drop(how)

    def stop(self) -> None:
        self._running = False
        self._listener.close()
        with self._changed:
            connections = list(self._connections)
        for connection in connections:
            connection.close()
