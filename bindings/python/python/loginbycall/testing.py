"""The LoginByCall sandbox, embedded: test a site's login with nothing but ``pip install``.

:class:`Sandbox` runs lbc-sandbox, a stateful emulator of the service, inside the process on
``127.0.0.1`` (a free port): every API method, signatures, nonces, balances, calls that ring and
end, the account life cycle. Point a :class:`loginbycall.Client` at ``sandbox.base_url`` with one
of ``sandbox.accounts``, and read the code the user would type off the phone with
``sandbox.latest_call_to(msisdn).code``::

    from loginbycall.testing import Sandbox

    def test_login():
        with Sandbox(dial_ms=0, ring_ms=0) as sb:
            client = sb.client()
            login = client.start_login("+7 925 688-06-36")
            code = sb.latest_call_to("79256880636").code
            assert login.check(code).accepted

A call's final status is chosen by the number's last two digits: ``08`` busy, ``16`` not
answered, ``32`` failed, anything else answered. The controls (balance, blocking, the server
status, the clock, the mails the service would send, fixed masks, failures on demand) are the
sandbox contract's ``/_sandbox/`` endpoints.
"""

from __future__ import annotations

import http.client
import json
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import quote, urlsplit

# SandboxServer says it lives here (its __module__), so that its repr and pickle find it.
from ._native import Client, normalize_phone
from ._native import SandboxServer as SandboxServer
from .answers import CallStatus
from .errors import InvalidInput

__all__ = [
    "Sandbox",
    "SandboxAccount",
    "SandboxAccountState",
    "SandboxCall",
    "SandboxError",
    "SandboxFault",
    "SandboxMail",
]


class SandboxError(Exception):
    """A ``/_sandbox/`` control request was refused (``status`` is its HTTP status)."""

    def __init__(self, message: str, *, status: int = 0, code: str = "") -> None:
        super().__init__(message)
        self.status: int = status
        self.code: str = code


@dataclass(frozen=True)
class SandboxAccount:
    """Credentials of a sandbox account."""

    call_api_id: str
    api_key: str = field(repr=False)


@dataclass(frozen=True)
class SandboxCall:
    """A call as the sandbox saw it; ``code`` is what the user would read off the phone."""

    call: str
    msisdn: str
    ip_address: str | None
    mask: str
    codelen: int
    code: str
    status: CallStatus
    status_desc: str


@dataclass(frozen=True)
class SandboxMail:
    """A mail the service would have sent (registration, new credentials)."""

    to: str
    subject: str
    body: str = field(repr=False)
    call_api_id: str | None = None
    api_key: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class SandboxAccountState:
    """An account as the sandbox keeps it (amounts in credits)."""

    call_api_id: str
    #: ``pending``, ``active`` or ``retired``: the state of the id asked about.
    key_state: str
    domain: str | None
    admin_email: str | None
    activated: bool
    blocked: bool
    allow_unsecure_calls: bool
    balance: int
    consumed: int
    balance_notify_limit: int
    #: The service-wide ``server_status`` (1 works).
    server_status: int
    #: The mask every ``call`` of the account gets, when one is set.
    fixed_mask: str | None = None
    #: The shape ``pay`` answers in: ``url`` (a form to post) or ``html``.
    pay_shape: str = "url"


@dataclass(frozen=True)
class SandboxFault:
    """A failure armed in the sandbox: the next ``count`` requests (``None``: all, until cleared)
    to ``method`` (``*``: any) are answered by ``kind``: ``502`` or ``503`` (an nginx page; the
    method does not run), ``reset`` (the connection is reset), ``truncate`` (the method runs, its
    answer is cut), ``delay`` (``delay_ms`` later, then as usual) or ``error`` (the API error
    ``code`` with ``additional``)."""

    method: str
    kind: str
    count: int | None = None
    delay_ms: int | None = None
    code: str | None = None
    additional: dict[str, Any] | None = None


def _fault(data: dict[str, Any]) -> SandboxFault:
    return SandboxFault(
        method=data["method"],
        kind=data["kind"],
        count=data.get("count"),
        delay_ms=data.get("delay_ms"),
        code=data.get("code"),
        additional=data.get("additional"),
    )


def _call(data: dict[str, Any]) -> SandboxCall:
    return SandboxCall(
        call=data["call"],
        msisdn=data["msisdn"],
        ip_address=data["ip_address"],
        mask=data["mask"],
        codelen=data["codelen"],
        code=data["code"],
        status=CallStatus(data["status"]),
        status_desc=data["status_desc"],
    )


def _state(data: dict[str, Any]) -> SandboxAccountState:
    return SandboxAccountState(
        call_api_id=data["call_api_id"],
        key_state=data["key_state"],
        domain=data.get("domain"),
        admin_email=data.get("admin_email"),
        activated=bool(data["activated"]),
        blocked=bool(data["blocked"]),
        allow_unsecure_calls=bool(data["allow_unsecure_calls"]),
        balance=int(data["balance"]),
        consumed=int(data["consumed"]),
        balance_notify_limit=int(data["balance_notify_limit"]),
        server_status=int(data["server_status"]),
        fixed_mask=data.get("fixed_mask"),
        pay_shape=str(data.get("pay_shape") or "url"),
    )


class Sandbox:
    """A running sandbox; a context manager that stops it on exit (``close()`` does too).

    Every setting left ``None`` takes lbc-sandbox's default: calls go dialing after ``dial_ms``
    (500) and end after ``ring_ms`` more (3000); one generated account (or ``accounts``, a list
    of ``(call_api_id, api_key)``) with ``account_balance`` credits (1 000 000); a call costs
    ``call_price`` (100); ``repeat_timeout`` seconds (30) between calls to one number; codes of
    ``codelen`` digits (4); ``request_timeout`` and ``verify_timeout`` in seconds (10, 3).
    """

    def __init__(
        self,
        *,
        dial_ms: int | None = None,
        ring_ms: int | None = None,
        accounts: Sequence[tuple[str, str]] | None = None,
        account_balance: int | None = None,
        call_price: int | None = None,
        repeat_timeout: float | None = None,
        codelen: int | None = None,
        request_timeout: float | None = None,
        verify_timeout: float | None = None,
    ) -> None:
        self._server = SandboxServer(
            accounts=None if accounts is None else [(i, k) for i, k in accounts],
            dial_ms=dial_ms,
            ring_ms=ring_ms,
            account_balance=account_balance,
            call_price=call_price,
            repeat_timeout=repeat_timeout,
            codelen=codelen,
            request_timeout=request_timeout,
            verify_timeout=verify_timeout,
        )
        self._origin = urlsplit(self._server.base_url)
        self._store_dir = tempfile.mkdtemp(prefix="loginbycall-sandbox-")

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stops serving and removes :attr:`store_url`'s file; a second call does nothing."""
        self._server.shutdown()
        shutil.rmtree(self._store_dir, ignore_errors=True)

    def __repr__(self) -> str:
        return f"Sandbox(base_url={self.base_url!r})"

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/callapi/v2.0/``: give it to ``Client(base_url=...)``."""
        return self._server.base_url

    @property
    def store_url(self) -> str:
        """A SQLite store of this sandbox's own (``sqlite:///tmp/loginbycall-sandbox-.../``), which
        :meth:`client` uses: attempts and the guard's counters start afresh with each sandbox and
        never touch the user's default store. Shared by every process that opens it."""
        return f"sqlite://{self._store_dir}/store.sqlite3"

    @property
    def port(self) -> int:
        """The port the sandbox listens on."""
        return self._server.port

    @property
    def ready_line(self) -> str:
        """The sandbox contract's ready line: ``{"base_url": ..., "accounts": [...]}``."""
        return self._server.ready_line

    @property
    def dashboard_url(self) -> str:
        """The sandbox's dashboard (HTML): accounts, calls, mails, faults, live."""
        return f"http://{self._origin.netloc}/_sandbox/"

    @property
    def accounts(self) -> list[SandboxAccount]:
        """The seeded accounts (activated, with ``account_balance`` credits)."""
        return [SandboxAccount(i, k) for i, k in self._server.accounts]

    @property
    def account(self) -> SandboxAccount:
        """The first seeded account."""
        return self.accounts[0]

    def client(self, account: SandboxAccount | None = None, **options: Any) -> Client:
        """A :class:`loginbycall.Client` for ``account`` (default: the first) on this sandbox,
        counting in :attr:`store_url` unless ``store`` is given; ``options`` are ``Client``'s
        keyword arguments (``guard=None`` turns the guard off, for tests that call one number
        more often than a person would)."""
        account = account or self.account
        options.setdefault("store", self.store_url)
        return Client(
            account.call_api_id, account.api_key, base_url=self.base_url, **options
        )

    def call(self, call_id: str) -> SandboxCall | None:
        """The call ``call_id``, or ``None`` when the sandbox placed no such call."""
        return self._find_call("/_sandbox/calls/" + quote(call_id, safe=""))

    def latest_call_to(self, msisdn: str) -> SandboxCall | None:
        """The latest call to ``msisdn`` (any notation ``normalize_phone`` reads), or ``None``."""
        try:
            digits = normalize_phone(msisdn)
        except InvalidInput:
            digits = msisdn
        return self._find_call("/_sandbox/phones/" + quote(digits, safe=""))

    def requests(self, method: str | None = None) -> int:
        """How many API requests the sandbox received: of ``method`` (``"call"``, ...), or in
        all. A call the guard refused never reaches it."""
        counts = self._control("GET", "/_sandbox/state")["requests"]
        if method is None:
            return int(counts["total"])
        return int(counts["by_method"].get(method, 0))

    def advance_clock(self, seconds: int) -> None:
        """Moves the sandbox's clock (repeat timeouts, key expiry) by ``seconds``."""
        self._control("POST", "/_sandbox/clock", {"advance_seconds": seconds})

    def outbox(self) -> list[SandboxMail]:
        """The mails the service would have sent, oldest first."""
        mails = self._control("GET", "/_sandbox/outbox")
        return [
            SandboxMail(
                to=m["to"],
                subject=m["subject"],
                body=m["body"],
                call_api_id=m.get("call_api_id"),
                api_key=m.get("api_key"),
            )
            for m in mails
        ]

    def create_account(
        self,
        *,
        call_api_id: str | None = None,
        api_key: str | None = None,
        balance: int | None = None,
        activated: bool = True,
        allow_unsecure_calls: bool = False,
        fixed_mask: str | None = None,
        pay_shape: str | None = None,
    ) -> SandboxAccount:
        """A new account (id and key generated unless given; ``balance`` in credits, default the
        sandbox's ``account_balance``)."""
        body: dict[str, Any] = {
            "activated": activated,
            "allow_unsecure_calls": allow_unsecure_calls,
        }
        for name, value in (
            ("call_api_id", call_api_id),
            ("api_key", api_key),
            ("balance", balance),
            ("fixed_mask", fixed_mask),
            ("pay_shape", pay_shape),
        ):
            if value is not None:
                body[name] = value
        made = self._control("POST", "/_sandbox/accounts", body)
        return SandboxAccount(made["call_api_id"], made["api_key"])

    def account_state(self, call_api_id: str | None = None) -> SandboxAccountState:
        """The state of the account ``call_api_id`` (default: the first seeded)."""
        return _state(self._control("GET", self._account_path(call_api_id)))

    def update_account(
        self,
        call_api_id: str | None = None,
        *,
        balance: int | None = None,
        blocked: bool | None = None,
        allow_unsecure_calls: bool | None = None,
        server_status: int | None = None,
    ) -> SandboxAccountState:
        """Sets the account's ``balance`` (credits), ``blocked``, ``allow_unsecure_calls`` and/or
        the service-wide ``server_status`` (0: calls are rejected); returns the new state. See
        also :meth:`set_fixed_mask` and :meth:`set_pay_shape`."""
        body = {
            name: value
            for name, value in (
                ("balance", balance),
                ("blocked", blocked),
                ("allow_unsecure_calls", allow_unsecure_calls),
                ("server_status", server_status),
            )
            if value is not None
        }
        return _state(self._control("PATCH", self._account_path(call_api_id), body))

    def set_balance(self, credits: int, call_api_id: str | None = None) -> None:
        """Sets the account's balance in credits (``0``: every call is ``NotEnoughCredit``)."""
        self.update_account(call_api_id, balance=credits)

    def set_fixed_mask(self, mask: str | None, call_api_id: str | None = None) -> None:
        """Every ``call`` of the account gets ``mask`` (8 to 15 digits; its last ``codelen`` are the
        code) until it is set to ``None``: a code a test knows beforehand."""
        self._control("PATCH", self._account_path(call_api_id), {"fixed_mask": mask})

    def set_pay_shape(self, shape: str, call_api_id: str | None = None) -> None:
        """The shape ``pay`` answers in for the account: ``url`` (a form to post) or ``html``."""
        self._control("PATCH", self._account_path(call_api_id), {"pay_shape": shape})

    @property
    def server_status(self) -> int:
        """The service-wide ``server_status`` (1 works)."""
        return int(self._control("GET", "/_sandbox/server-status")["server_status"])

    def set_server_status(self, status: int) -> None:
        """Sets the service-wide ``server_status``: anything but 1 and ``call`` is
        ``CallRejected``."""
        self._control("PUT", "/_sandbox/server-status", {"server_status": status})

    def arm_fault(
        self,
        kind: str,
        method: str = "*",
        *,
        count: int | None = None,
        delay_ms: int | None = None,
        code: str | None = None,
        additional: dict[str, Any] | None = None,
    ) -> SandboxFault:
        """Arms a failure after those armed already (see :class:`SandboxFault`), e.g.
        ``arm_fault("502", "call", count=1)`` or ``arm_fault("delay", delay_ms=20_000)``."""
        body: dict[str, Any] = {"method": method, "kind": kind, "count": count}
        for name, value in (("delay_ms", delay_ms), ("code", code), ("additional", additional)):
            if value is not None:
                body[name] = value
        return _fault(self._control("POST", "/_sandbox/faults", body))

    def faults(self) -> list[SandboxFault]:
        """The armed faults, oldest first (``count``: the requests each has left)."""
        return [_fault(f) for f in self._control("GET", "/_sandbox/faults")]

    def clear_faults(self) -> int:
        """Disarms every fault; returns how many there were."""
        return int(self._control("DELETE", "/_sandbox/faults")["cleared"])

    def _account_path(self, call_api_id: str | None) -> str:
        account = call_api_id if call_api_id is not None else self.account.call_api_id
        return "/_sandbox/accounts/" + quote(account, safe="")

    def _find_call(self, path: str) -> SandboxCall | None:
        try:
            return _call(self._control("GET", path))
        except SandboxError as error:
            if error.status == 404:
                return None
            raise

    def _control(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        # http.client, not urllib: a proxy configured in the environment must not see this.
        host = self._origin.hostname or "127.0.0.1"
        connection = http.client.HTTPConnection(host, self._origin.port, timeout=30)
        try:
            payload = None if body is None else json.dumps(body).encode()
            headers = {} if body is None else {"Content-Type": "application/json"}
            connection.request(method, path, body=payload, headers=headers)
            answer = connection.getresponse()
            data = json.loads(answer.read() or b"null")
        finally:
            connection.close()
        if answer.status != 200:
            detail = data if isinstance(data, dict) else {}
            raise SandboxError(
                f"{method} {path}: HTTP {answer.status}: {detail.get('reason', '')}",
                status=answer.status,
                code=str(detail.get("error", "")),
            )
        return data
