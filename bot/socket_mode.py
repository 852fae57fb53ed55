"""Socket Mode: Bolt's websocket-client adapter, corrected for Slack's refreshes and drops.

Why this adapter, not slack_sdk's built-in client: the built-in one (3.48) notices a connection
that ends without a close frame only after about a minute, spinning a core meanwhile (its
receive loop reads nothing on EOF instead of failing), and on a refresh lets the new
connection's first envelope wait out the old socket's 3 s timeout. websocket-client ends its
session at once on a FIN or an RST, and the adapter reconnects then.

What the adapter misses, and this module adds (tests/integration/test_socket_mode.py):
- Slack's `disconnect` with reason `warning` says that a refresh is coming in about ten seconds;
  slack_sdk reconnects on it at once, and an envelope that arrives on the old connection in
  that moment has its ack sent on a new connection that is not open yet, and lost. Here a
  warning is noted, and the reconnection waits for Slack's `refresh_requested`.
- Each connection runs on a thread of its own and starts at once (`_run_current_session`).
- While a new connection opens, an ack waits for it, within Slack's 3 s, instead of failing at
  once.
- The close of the connection a new one replaces does not start yet another (slack_sdk's
  `on_close` would, and a burst of such closes can drop an envelope just sent on a connection
  it then replaced).
- Closing (on SIGTERM) takes milliseconds, not a second, and a connection still opening is
  closed once open, from its own thread, instead of being left open with an error logged.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from contextlib import suppress
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.socket_mode.websocket_client import SocketModeHandler
from slack_sdk.socket_mode.websocket_client import SocketModeClient
from websocket import WebSocketApp

ACK_WAIT_SECONDS = 2.0  # for a new connection to open, within Slack's 3 s for an ack
OPENING_SECONDS = 5.0  # a new connection still opening after this has failed to open


class _Client(SocketModeClient):
    def __init__(self, **kw: Any) -> None:
        self._started: WebSocketApp | None = None
        self._start_lock = threading.Lock()
        super().__init__(**kw)
        self._opening_since: float | None = None
        self._settled = threading.Event()  # the connection last begun has opened or failed
        self._settled.set()  # none begun
        self.on_open_listeners.append(self._opened)
        self.on_error_listeners.append(lambda _session, _error: self._settled.set())
        self.on_close_listeners.append(lambda _session: self._settled.set())

    def _opened(self, _session: WebSocketApp) -> None:
        self._opening_since = None
        self._settled.set()

    def connect(self) -> None:
        self._opening_since = time.monotonic()
        self._settled.clear()
        super().connect()
        self._run_current_session()  # at once, not at the runner's next half second

    def _run_current_session(self) -> None:
        """Each session on a thread of its own. slack_sdk runs them one after another on one
        thread, so a new session waits for the old one's `run_forever` to return, and when the
        old socket is closed from another thread that can take until its next ping (10 s),
        while acks for the new connection go nowhere."""
        with self._start_lock:
            session = self.current_session
            if session is None or session is self._started:
                return
            self._started = session
        threading.Thread(
            target=self._run_session, args=(session,), daemon=True, name="socket-mode"
        ).start()

    def _run_session(self, session: WebSocketApp) -> None:
        try:
            session.run_forever(
                ping_interval=self.ping_interval,
                http_proxy_host=self.http_proxy_host,
                http_proxy_port=self.http_proxy_port,
                http_proxy_auth=self.http_proxy_auth,
                proxy_type=self.proxy_type,
            )
        except Exception:
            self.logger.exception("Socket Mode session ended with an error")
            session.close()

    def connect_to_new_endpoint(self, force: bool = False) -> None:
        since = self._opening_since
        if not force and since is not None and time.monotonic() - since < OPENING_SECONDS:
            return  # a new connection is on its way; the old one's close was expected
        super().connect_to_new_endpoint(force)

    def enqueue_message(self, message: str) -> None:
        if message.startswith("{") and '"disconnect"' in message:
            parsed = json.loads(message)
            if parsed.get("type") == "disconnect" and parsed.get("reason") == "warning":
                self.logger.info("Slack will refresh the Socket Mode connection soon")
                return
        super().enqueue_message(message)

    def close(self) -> None:
        """Waits for a connection still in its handshake to open first (a session told to stop
        before its `run_forever` begins would begin anyway). slack_sdk's close then waits for
        its message processor, which sleeps up to a second on an empty queue: a None wakes it
        (the processor skips a None) to see that it is closed."""
        self._settled.wait(OPENING_SECONDS)
        self.closed = True
        self.message_queue.put(None)
        super().close()

    def disconnect(self) -> None:
        """Tells the session to stop and wakes its thread, which then closes its connection.
        websocket-client's own close sets the session's socket to None from this thread, and
        a session just opened reads that socket next: it then fails with an AttributeError
        that slack_sdk logs as an error, and its connection stays open."""
        session = self.current_session
        if session is None:
            return
        session.keep_running = False
        with suppress(AttributeError, OSError):  # no socket, or one already closed
            session.sock.sock.shutdown(socket.SHUT_RD)  # its next read stops the session

    def send_message(self, message: str) -> None:
        deadline = time.monotonic() + ACK_WAIT_SECONDS
        while not self.is_connected() and not self.closed and time.monotonic() < deadline:
            time.sleep(0.02)  # the new connection is opening (a few milliseconds)
        super().send_message(message)


class Handler(SocketModeHandler):
    """Bolt's websocket-client Socket Mode handler, on the client above."""

    def __init__(self, app: App, app_token: str) -> None:
        # Not super().__init__, which would start a second client's threads: its body, with
        # the client above.
        self.app = app
        self.app_token = app_token
        self.client = _Client(app_token=app_token, logger=app.logger, web_client=app.client)
        self.client.socket_mode_request_listeners.append(self.handle)  # type: ignore[arg-type]
