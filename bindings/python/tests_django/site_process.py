"""The example site (examples/django_site) run as a real server for the worker and browser
tests: its environment, a free port, waiting until it answers, a small cookie-keeping client."""

from __future__ import annotations

import html
import http.client
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

from conftest import REPO

SITE = REPO / "examples" / "django_site"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def site_env(database: Path, **extra: str) -> dict[str, str]:
    """The environment for the example site with its SQLite file at ``database``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LBC_", "DJANGO_")) or key == "LBC_DJANGO_REQUIRE_ALL"
    }
    env.update(LBC_DB=str(database), PYTHONDONTWRITEBYTECODE="1", **extra)
    return env


def manage(env: Mapping[str, str], *args: str) -> str:
    """Runs the example site's manage.py; its output."""
    done = subprocess.run(
        [sys.executable, str(SITE / "manage.py"), *args],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@contextmanager
def serving(command: list[str], env: Mapping[str, str], port: int, log: Path) -> Iterator[str]:
    """Starts ``command`` (a server on ``port``), waits until it answers ``GET /``, yields its
    base URL and stops it (SIGTERM, then SIGKILL) at the end."""
    with log.open("w") as output:
        process = subprocess.Popen(
            command, env=dict(env), stdout=output, stderr=subprocess.STDOUT, cwd=SITE
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None, log.read_text()
                try:
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                    connection.request("GET", "/")
                    if connection.getresponse().status == 200:
                        break
                except OSError:
                    pass
                assert time.monotonic() < deadline, "the site did not start:\n" + log.read_text()
                time.sleep(0.2)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class Browserless:
    """A tiny HTTP client that keeps cookies and posts forms with their CSRF token."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: Mapping[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    pair = value.split(";", 1)[0]
                    key, _, cookie = pair.partition("=")
                    self.cookies[key.strip()] = cookie.strip()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, text
        finally:
            connection.close()

    def token(self, page: str) -> str:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert found is not None, page[:500]
        return html.unescape(found.group(1))

    def post_form(self, path: str, page: str, form: Mapping[str, str]) -> tuple[int, str]:
        status, _, text = self.request(
            "POST", path, {**form, "csrfmiddlewaretoken": self.token(page)}
        )
        return status, text
