"""Issue 15 from Python: the sealed state (every edit refused, no mask in it), the attempts counted
in a store shared by processes (the default SQLite file, one Redis for two "servers", a store
written in Python), the guard before any call is paid, and honest DNS/connect/TLS errors."""

from __future__ import annotations

import base64
import http.server
import json
import multiprocessing
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import loginbycall
from conftest import phone
from loginbycall.testing import Sandbox
from workers import resume_and_check

KEY = "eVLAWyB20L32gqpQM2liqGd4GGPJxIW1r8Kw1RNq"
PROCESSES = 8


def code_of(sandbox: Sandbox, login: loginbycall.Login) -> str:
    call = sandbox.call(login.call)
    assert call is not None
    return call.code


def wrong_codes(code: str, count: int) -> list[str]:
    """``count`` different codes of the same length as ``code``, none of them ``code``."""
    width = len(code)
    found = [f"{n:0{width}d}" for n in range(count + 1)]
    return [c for c in found if c != code][:count]


# --- the sealed state -----------------------------------------------------------------------


@pytest.fixture
def sealed(sandbox: Sandbox) -> tuple[loginbycall.Client, str]:
    client = sandbox.client()
    login = client.start_login(phone(), ip_address="80.80.88.88")
    return client, login.to_json()


def refused(client: loginbycall.Client, state: str) -> bool:
    try:
        client.resume_login(state)
    except loginbycall.InvalidInput as error:
        assert error.field == "login_state", error
        return True
    return False


def test_the_state_holds_these_fields_and_no_mask(sandbox: Sandbox) -> None:
    client = sandbox.client(guard=None)
    for _ in range(20):
        login = client.start_login(phone())
        state = login.to_json()
        call = sandbox.call(login.call)
        assert call is not None
        assert call.mask not in state, "the whole mask is in the state"
        fields = json.loads(state)
        assert sorted(fields) == sorted(
            ["v", "call", "msisdn", "ip_address", "prompt", "codelen", "repeat_timeout",
             "started_at", "code_mac", "seal"]
        )
        # No field holds the code (as a substring it can turn up by chance, in the timestamp,
        # the number or the prompt's random digits).
        for name, value in fields.items():
            if name not in ("code_mac", "seal", "call"):
                assert str(value) != call.code, name
        assert fields["prompt"] == call.mask[: -call.codelen]


FIELD_EDITS: list[tuple[str, Any]] = [
    ("v", 2),
    ("call", "another-call"),
    ("msisdn", "79990000000"),
    ("ip_address", "10.0.0.1"),
    ("ip_address", None),
    ("prompt", "7900000"),
    ("codelen", 3),
    ("codelen", 5),
    ("repeat_timeout", 0),
    ("started_at", 4_000_000_000),
    ("started_at", 0),
    ("code_mac", base64.urlsafe_b64encode(b"\0" * 32).decode().rstrip("=")),
    ("seal", base64.urlsafe_b64encode(b"\0" * 32).decode().rstrip("=")),
    ("mask", "79256880636"),
    ("max_attempts", 100),
    ("attempts", 0),
]


@pytest.mark.parametrize(("field", "value"), FIELD_EDITS, ids=[f"{f}={v!r:.12}" for f, v in FIELD_EDITS])
def test_every_field_edited_is_refused(
    sealed: tuple[loginbycall.Client, str], field: str, value: Any
) -> None:
    client, state = sealed
    fields = json.loads(state)
    fields[field] = value
    assert refused(client, json.dumps(fields, separators=(",", ":")))


def test_every_single_character_edit_is_refused(sealed: tuple[loginbycall.Client, str]) -> None:
    client, state = sealed
    assert not refused(client, state)
    tried = 0
    for i, char in enumerate(state):
        for other in {"0", "1", "a", "A", "-", "_", '"', " ", "}"} - {char}:
            assert refused(client, state[:i] + other + state[i + 1 :]), (i, other)
            tried += 1
        assert refused(client, state[:i] + state[i + 1 :]), ("deleted", i)
        assert refused(client, state[:i] + " " + state[i:]), ("space inserted", i)
    assert tried > 5 * len(state)
    for edit in (state + " ", " " + state, state.replace(",", ", "), state.replace(":", ": ")):
        assert refused(client, edit)


# --- the store, shared by processes ------------------------------------------------------------


def race(
    sandbox: Sandbox, store: str | None, state: str, guesses: list[list[str]],
    max_attempts: int = 3,
) -> list[list[tuple[str, int]]]:
    """``len(guesses)`` processes (``spawn``) resume ``state`` on ``store`` and, all at once, check
    their guesses; their verdicts."""
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(len(guesses))
    results = ctx.Queue()
    account = (sandbox.account.call_api_id, sandbox.account.api_key)
    processes = [
        ctx.Process(
            target=resume_and_check,
            args=(sandbox.base_url, account, store, max_attempts, state, mine, barrier, results),
        )
        for mine in guesses
    ]
    for p in processes:
        p.start()
    found = [results.get(timeout=120) for _ in processes]
    for p in processes:
        p.join(30)
    errors = [f for f in found if isinstance(f, str)]
    assert not errors, errors
    return found


def judged_and_locked(
    sandbox: Sandbox, store: str | None, *, max_attempts: int = 3
) -> None:
    """8 processes, 4 wrong guesses each, at once: exactly ``max_attempts`` judged (the rejected
    ones, each with its own attempts_left, and the one that used the last attempt), the rest
    locked; then the right code is refused too."""
    client = sandbox.client(store=store, max_attempts=max_attempts)
    login = client.start_login(phone())
    code = code_of(sandbox, login)
    guesses = wrong_codes(code, PROCESSES * 4)
    split = [guesses[i::PROCESSES] for i in range(PROCESSES)]
    verdicts = race(sandbox, store, login.to_json(), split, max_attempts)
    flat = [v for mine in verdicts for v in mine]
    assert len(flat) == PROCESSES * 4
    rejected = sorted(left for name, left in flat if name == "rejected")
    assert rejected == list(range(1, max_attempts)), flat
    assert all(name in ("rejected", "locked") for name, _ in flat)
    back = client.resume_login(login.to_json())
    assert back.attempts == max_attempts and back.attempts_left == 0
    assert back.check(code).locked, "the right code after the lock"


def accepted_once(sandbox: Sandbox, store: str | None) -> None:
    client = sandbox.client(store=store)
    login = client.start_login(phone())
    code = code_of(sandbox, login)
    verdicts = race(sandbox, store, login.to_json(), [[code]] * PROCESSES)
    names = [name for mine in verdicts for name, _ in mine]
    assert names.count("accepted") == 1, names
    assert names.count("locked") == PROCESSES - 1, names


def test_eight_processes_on_the_default_sqlite_store(sandbox: Sandbox) -> None:
    # store=None: the default, a per-user SQLite file (the suite's XDG_STATE_HOME: conftest).
    judged_and_locked(sandbox, None)
    judged_and_locked(sandbox, None, max_attempts=5)
    accepted_once(sandbox, None)
    default = Path(os.environ["XDG_STATE_HOME"]) / "loginbycall" / "store.sqlite3"
    assert default.is_file(), "the default store is not where the README says"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A redis-server of the suite's own on a free port (no persistence), stopped at the end."""
    server = shutil.which("redis-server")
    if server is None:
        if os.environ.get("LBC_PYTHON_REQUIRE_ALL"):
            pytest.fail("redis-server is not installed (Debian: apt-get install redis-server)")
        pytest.skip("redis-server is not installed (Debian: apt-get install redis-server)")
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="loginbycall-redis-")
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", workdir],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)


def test_two_servers_on_one_redis(sandbox: Sandbox, redis_url: str) -> None:
    # Every process is its own client of the Redis store, as on two (or eight) servers.
    judged_and_locked(sandbox, redis_url)
    accepted_once(sandbox, redis_url)


def test_a_dead_redis_is_a_store_error(sandbox: Sandbox) -> None:
    client = sandbox.client(store=f"redis://:hunter2@127.0.0.1:{free_port()}/0")
    login = sandbox.client().start_login(phone())
    with pytest.raises(loginbycall.StoreError) as caught:
        client.resume_login(login.to_json())
    assert "hunter2" not in str(caught.value)


class DictStore:
    """A store written in Python (one process only: a test)."""

    def __init__(self) -> None:
        self.values: dict[str, int] = {}
        self.lock = threading.Lock()
        self.calls: list[str] = []

    def incr(self, key: str, delta: int, ttl: float) -> int:
        with self.lock:
            self.calls.append("incr")
            self.values[key] = self.values.get(key, 0) + delta
            return self.values[key]

    def add(self, key: str, ttl: float) -> bool:
        with self.lock:
            self.calls.append("add")
            if key in self.values:
                return False
            self.values[key] = 1
            return True

    def get(self, key: str) -> int | None:
        with self.lock:
            self.calls.append("get")
            return self.values.get(key)


def test_a_store_written_in_python(sandbox: Sandbox) -> None:
    store = DictStore()
    assert isinstance(store, loginbycall.Store)
    client = sandbox.client(store=store)
    login = client.start_login(phone())
    code = code_of(sandbox, login)
    assert "incr" in store.calls, "the guard counts in the store"
    back = client.resume_login(login.to_json())
    assert back.check(wrong_codes(code, 1)[0]).rejected
    assert client.resume_login(login.to_json()).attempts == 1
    assert back.check(code).accepted
    assert back.check(code).locked
    assert any(":attempts:" in k for k in store.values)
    assert any(":accepted:" in k for k in store.values)


def test_a_python_store_that_fails_is_a_store_error_with_its_cause(sandbox: Sandbox) -> None:
    class Broken(DictStore):
        def incr(self, key: str, delta: int, ttl: float) -> int:
            raise ConnectionError("the cache is down")

    login = sandbox.client(guard=None).start_login(phone())
    client = sandbox.client(store=Broken(), guard=None)
    resumed = client.resume_login(login.to_json())
    with pytest.raises(loginbycall.StoreError) as caught:
        resumed.check("0000")
    assert isinstance(caught.value.__cause__, ConnectionError)
    assert "the cache is down" in str(caught.value)

    class Liar(DictStore):
        def incr(self, key: str, delta: int, ttl: float) -> int:
            return "many"  # type: ignore[return-value]

    with pytest.raises(loginbycall.StoreError, match="not an int"):
        sandbox.client(store=Liar(), guard=None).resume_login(login.to_json()).check("0000")
    with pytest.raises(TypeError, match="incr, add and get"):
        sandbox.client(store=object())
    with pytest.raises(loginbycall.InvalidInput) as bad_url:
        sandbox.client(store="postgres://u:hunter2@h/db")
    assert bad_url.value.field == "store" and "hunter2" not in str(bad_url.value)


# --- the guard ---------------------------------------------------------------------------------


def calls_placed(sandbox: Sandbox) -> int:
    return sandbox.requests("call")


def test_the_guard_refuses_a_premium_rate_number_and_sends_nothing() -> None:
    with Sandbox(dial_ms=0, ring_ms=0) as sandbox:
        client = sandbox.client()
        # libphonenumber's example premium-rate number (+1 900): refused for its type before its
        # country is even looked at.
        for place in (client.call, client.start_login):
            with pytest.raises(loginbycall.GuardRefused) as caught:
                place("+1 900 234 5678")
            error = caught.value
            assert error.reason == "number_type" and error.retry_after is None
            assert error.may_have_been_placed is False
            assert isinstance(error, loginbycall.LoginByCallError)
        # Russia's 8-809 premium-rate numbers: lbc-core's metadata reads them as no valid number,
        # so they are refused even before the guard (InvalidInput), and nothing is sent either.
        for premium in ("8 809 505-12-34", "+7 809 505 12 34"):
            with pytest.raises((loginbycall.GuardRefused, loginbycall.InvalidInput)):
                client.call(premium)
        with pytest.raises(loginbycall.GuardRefused) as abroad:
            client.call("+1 650 253 0000")
        assert abroad.value.reason == "country"
        assert calls_placed(sandbox) == 0
        assert sandbox.latest_call_to("78095051234") is None
        assert sandbox.latest_call_to("19002345678") is None
        # guard=None: nothing checked.
        client_off = sandbox.client(guard=None)
        client_off.call("+1 650 253 0000")
        assert calls_placed(sandbox) == 1


def test_the_guard_limits_calls_per_number() -> None:
    with Sandbox(dial_ms=0, ring_ms=0, repeat_timeout=0) as sandbox:
        client = sandbox.client()
        number = phone()
        for _ in range(5):
            client.call(number)
        with pytest.raises(loginbycall.GuardRefused) as caught:
            client.call(number)
        assert caught.value.reason == "number_rate"
        # Up to twice the window: lbc-core's sliding window is two fixed ones, and its wait can pass
        # the window (4176 s for 3600 s seen: reported on issue 15).
        assert caught.value.retry_after is not None and 0 < caught.value.retry_after <= 7200
        assert calls_placed(sandbox) == 5
        # Another client on the same store (another worker) shares the count.
        with pytest.raises(loginbycall.GuardRefused):
            sandbox.client().call(number)
        assert calls_placed(sandbox) == 5


def test_a_guard_policy_of_the_site_s_own() -> None:
    with Sandbox(dial_ms=0, ring_ms=0, repeat_timeout=0) as sandbox:
        client = sandbox.client(
            guard={"number_rate": {"calls": 2, "window": 600}, "allowed_countries": ["RU", "US"]}
        )
        number = phone()
        client.call(number)
        client.call(number)
        with pytest.raises(loginbycall.GuardRefused) as caught:
            client.call(number)
        assert caught.value.reason == "number_rate"
        # A sliding window approximated by two fixed ones: the wait may pass the window (issue
        # 15 report: lbc-core says up to twice the window).
        assert caught.value.retry_after is not None and 0 < caught.value.retry_after <= 1200
        client.call("+1 202 555 0143")  # a country the site allowed
        assert calls_placed(sandbox) == 3
        assert sandbox.client(guard=False).call(number).call
    with pytest.raises(loginbycall.InvalidInput) as typo:
        loginbycall.Client("id", KEY, guard={"number_rates": None})
    assert typo.value.field == "guard.number_rates"
    with pytest.raises(loginbycall.InvalidInput) as bad:
        loginbycall.Client("id", KEY, guard={"number_rate": {"calls": 0, "window": 60}})
    # lbc-core names the policy's field here (its docs say guard.number_rate: see the report).
    assert bad.value.field in ("number_rate", "guard.number_rate")
    wrongs: list[Any] = [True, "off", ["number_rate"], {"call_price": object()}]
    for wrong in wrongs:
        with pytest.raises(TypeError, match="guard"):
            loginbycall.Client("id", KEY, guard=wrong)


# --- DNS, connect, TLS -------------------------------------------------------------------------


def test_a_name_that_does_not_resolve_is_dns() -> None:
    client = loginbycall.Client(
        "id", KEY, base_url="https://nonexistent.invalid/callapi/v2.0/", guard=None,
        store="memory:", max_retries=0,
    )
    for request in (client.balance, lambda: client.call("79256880636")):
        with pytest.raises(loginbycall.TransportError) as caught:
            request()
        assert caught.value.transport_kind == "dns", caught.value
        assert caught.value.may_have_been_placed is False
        assert "nonexistent.invalid" in str(caught.value)


def test_a_closed_port_is_connect() -> None:
    port = free_port()
    client = loginbycall.Client(
        "id", KEY, base_url=f"http://127.0.0.1:{port}/", guard=None, store="memory:",
        max_retries=0,
    )
    for request in (client.balance, lambda: client.call("79256880636")):
        with pytest.raises(loginbycall.TransportError) as caught:
            request()
        assert caught.value.transport_kind == "connect", caught.value
        assert caught.value.may_have_been_placed is False


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An HTTPS server on 127.0.0.1 (Python's ``ssl``) with a new self-signed certificate for
    ``localhost`` and ``127.0.0.1``; its URL and the certificate's file."""
    openssl = shutil.which("openssl")
    if openssl is None:
        if os.environ.get("LBC_PYTHON_REQUIRE_ALL"):
            pytest.fail("openssl is not installed (Debian: apt-get install openssl)")
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    # A config of our own: the system's openssl.cnf (OpenSSL 1.1.1 in Debian 11) would add its
    # v3_ca extensions, and a second basicConstraints makes webpki reject the certificate.
    config = tmp_path / "openssl.cnf"
    config.write_text(
        "[req]\ndistinguished_name = dn\nx509_extensions = leaf\nprompt = no\n"
        "[dn]\nCN = localhost\n"
        "[leaf]\nsubjectAltName = DNS:localhost,IP:127.0.0.1\n"
        "basicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature\n"
        "extendedKeyUsage = serverAuth\n"
    )
    subprocess.run(
        [openssl, "req", "-x509", "-config", str(config), "-newkey", "ec",
         "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b'{"server_status": 1}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)

    def serve() -> None:
        while True:
            try:
                conn, _ = server.socket.accept()
            except OSError:
                return
            def handle(conn: socket.socket = conn) -> None:
                try:
                    tls = context.wrap_socket(conn, server_side=True)
                except (OSError, ssl.SSLError):
                    conn.close()
                    return
                try:
                    Handler(tls, ("127.0.0.1", 0), server)
                except OSError:
                    pass
                finally:
                    tls.close()
            threading.Thread(target=handle, daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    port = server.server_address[1]
    yield f"https://127.0.0.1:{port}/callapi/v2.0/", cert
    server.socket.close()


def test_an_untrusted_certificate_is_tls_and_ca_bundle_trusts_it(
    tls_server: tuple[str, Path],
) -> None:
    url, cert = tls_server
    untrusted = loginbycall.Client("id", KEY, base_url=url, guard=None, store="memory:",
                                   max_retries=0)
    for request in (untrusted.server_status, lambda: untrusted.call("79256880636")):
        with pytest.raises(loginbycall.TransportError) as caught:
            request()
        assert caught.value.transport_kind == "tls", caught.value
        assert caught.value.may_have_been_placed is False
    trusted = loginbycall.Client("id", KEY, base_url=url, ca_bundle=cert, guard=None,
                                 store="memory:", max_retries=0)
    assert trusted.server_status().is_working


def test_ssl_cert_file_and_ssl_cert_dir_are_trusted(
    tls_server: tuple[str, Path], tmp_path: Path
) -> None:
    """Without ``ca_bundle``, the roots named by ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` (issue 17)."""
    url, cert = tls_server
    code = (
        "import sys, loginbycall\n"
        "c = loginbycall.Client('id', sys.argv[2], base_url=sys.argv[1], guard=None,"
        " store='memory:', max_retries=0)\n"
        "print(c.server_status().is_working)\n"
    )
    directory = tmp_path / "certs"
    directory.mkdir()
    (directory / "local.pem").write_bytes(cert.read_bytes())
    for env in ({"SSL_CERT_FILE": str(cert), "SSL_CERT_DIR": ""},
                {"SSL_CERT_FILE": "", "SSL_CERT_DIR": str(directory)}):
        done = subprocess.run([sys.executable, "-c", code, url, KEY],
                              env={**os.environ, **env}, capture_output=True, text=True,
                              timeout=60)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "True", env
