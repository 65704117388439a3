"""Fixtures: an embedded sandbox per test, and small local servers that misbehave on purpose.

The suite runs against the installed package (scripts/test-python.sh installs the wheel into a
fresh virtual environment and runs pytest from outside the source tree); ``test_package.py``
checks that the ``loginbycall`` imported here is that one.
"""

from __future__ import annotations

import http.server
import itertools
import os
import socket
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Optional

import pytest

import loginbycall
from loginbycall.testing import Sandbox

# The default store (``Client()`` without ``store=``) is a per-user SQLite file under
# $XDG_STATE_HOME: the suite gets one of its own, so that it neither reads nor fills the user's, and
# the processes it starts (which inherit the environment) share it as a site's workers would.
os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="loginbycall-tests-state-")

#: The repository's root (bindings/python/tests/ is three levels down).
REPO = Path(__file__).resolve().parents[3]
#: A valid Russian mobile number; the sandbox answers calls to numbers ending in 36.
PHONE = "79256880636"


_numbers = itertools.count(1)


def phone(ending: int = 36) -> str:
    """A valid Russian mobile number ending in the two digits ``ending`` (which choose the
    sandbox's outcome: 08 busy, 16 not answered, 32 failed, else answered); the digits before
    them differ per call, so that no two calls share a repeat timeout."""
    return f"7925{next(_numbers):05d}{ending:02d}"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """A sandbox whose calls end at once (answered unless the number says otherwise)."""
    with Sandbox(dial_ms=0, ring_ms=0) as sb:
        yield sb


@pytest.fixture
def client(sandbox: Sandbox) -> loginbycall.Client:
    """A client for the sandbox's first account."""
    return sandbox.client()


class RawServer:
    """A TCP server on 127.0.0.1 that reads each request and then does what ``respond`` says:
    returns the bytes to answer with, or ``None`` to hold the connection open without answering
    until ``release()`` or ``close()``.

    Kept for the tests that read back the exact request the binding sent (``requests``: its
    headers, its user agent) or answer with raw bytes: the sandbox's ``raw`` fault plays the
    latter, but ``loginbycall.testing.Sandbox.arm_fault`` does not take its ``bytes`` yet. A
    server that never answers is the sandbox's ``hang`` fault (test_threads.py)."""

    def __init__(self, respond: Callable[[bytes], bytes | None]) -> None:
        self.respond = respond
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/callapi/v2.0/"
        #: Set when a request has arrived.
        self.arrived = threading.Event()
        self.released = threading.Event()
        self.requests: list[bytes] = []
        self._connections: list[socket.socket] = []
        self._closed = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._closed:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self._connections.append(conn)
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(30)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            while len(body) < length:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                body += chunk
            self.requests.append(head + b"\r\n\r\n" + body)
            self.arrived.set()
            answer = self.respond(data)
            if answer is None:
                self.released.wait(30)
                answer = json_answer(b'{"server_status": 1}')
            conn.sendall(answer)
        except OSError:
            pass
        finally:
            conn.close()

    def release(self) -> None:
        """Lets held connections answer (``{"server_status": 1}``)."""
        self.released.set()

    def close(self) -> None:
        self._closed = True
        self.released.set()
        self.listener.close()
        for conn in self._connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def json_answer(body: bytes, status: str = "200 OK", headers: str = "") -> bytes:
    """An HTTP/1.1 answer with a JSON body."""
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n{headers}Connection: close\r\n\r\n"
    ).encode() + body


#: Makes a ``RawServer`` from its ``respond`` function.
MakeServer = Callable[[Callable[[bytes], Optional[bytes]]], RawServer]


@pytest.fixture
def raw_server() -> Iterator[MakeServer]:
    """Makes ``RawServer``s, closed after the test."""
    made: list[RawServer] = []

    def make(respond: Callable[[bytes], bytes | None]) -> RawServer:
        server = RawServer(respond)
        made.append(server)
        return server

    yield make
    for server in made:
        server.close()


class VerifySite:
    """The site's own web server, which the sandbox fetches ``verify_url`` from."""

    def __init__(self) -> None:
        self.content = b""
        self.fetched: list[str] = []
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.fetched.append(self.path)
                self.send_response(200)
                self.send_header("Content-Length", str(len(site.content)))
                self.end_headers()
                self.wfile.write(site.content)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port: int = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def verify_site() -> Iterator[VerifySite]:
    site = VerifySite()
    yield site
    site.close()
