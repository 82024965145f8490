"""The HTTP plumbing: a local threading server, JSON replies, webhook pushes."""

from __future__ import annotations

import contextlib
import json
import socket
import socketserver
import sys
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, ClassVar

from doubles.botapi.records import (
    JSON,
    Webhook,
)

if TYPE_CHECKING:
    from doubles.botapi.double import BotApiDouble


class LocalHTTPServer(ThreadingHTTPServer):
    """A threading HTTP/1.1 server for tests that can close its keep-alive connections."""

    daemon_threads = True
    request_queue_size = 512
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls getfqdn(), a DNS lookup we do not want in tests.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], OSError):
            return  # the client went away; nothing to report
        super().handle_error(request, client_address)

    def close_connections(self) -> None:
        """Shut down every open client connection so handler threads end."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def serve_in_thread(self, name: str) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, args=(0.05,), name=name, daemon=True)
        thread.start()
        return thread

    def stop(self, thread: threading.Thread | None) -> None:
        self.shutdown()
        self.close_connections()
        self.server_close()
        if thread is not None:
            thread.join(timeout=5)


def send_json(handler: BaseHTTPRequestHandler, status: int, payload: JSON) -> None:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    try:
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
        handler.wfile.flush()
    except OSError:
        handler.close_connection = True


class ApiHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes
    double: ClassVar[BotApiDouble]

    def do_GET(self) -> None:
        self.double._serve(self)

    def do_POST(self) -> None:
        self.double._serve(self)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def post_update(
    opener: urllib.request.OpenerDirector, hook: Webhook, payload: bytes
) -> tuple[int | None, str | None]:
    headers = {"Content-Type": "application/json"}
    if hook.secret:
        headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret
    request = urllib.request.Request(hook.url, data=payload, headers=headers, method="POST")
    try:
        with opener.open(request, timeout=5) as response:
            response.read()
            return int(response.status), None
    except urllib.error.HTTPError as error:
        error.close()
        return int(error.code), None
    except (OSError, ValueError) as error:
        return None, f"Connection failed: {error}"
