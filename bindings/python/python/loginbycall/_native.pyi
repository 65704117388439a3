"""The native half of the LoginByCall SDK (Rust, pyo3); import ``loginbycall`` instead.

Its classes say they live in the package (``loginbycall.Client``, ``loginbycall.Login``,
``loginbycall.Signer``; ``loginbycall.testing.SandboxServer``), where the package re-exports them.
"""

from collections.abc import Callable, Mapping, Sequence
from os import PathLike
from typing import Any, Literal, final, overload

from typing_extensions import deprecated

from loginbycall.store import Store
from loginbycall.answers import (
    AccountStatus,
    Balance,
    CallStarted,
    CallState,
    CredentialChange,
    Payment,
    Registration,
    ServerStatus,
    Verdict,
)

__all__ = [
    "Client",
    "Login",
    "Pending",
    "SandboxServer",
    "Signer",
    "call_status_description",
    "call_status_is_final",
    "canonical",
    "normalize_phone",
    "sign",
    "VERSION",
    "USER_AGENT",
    "DEFAULT_BASE_URL",
    "CREDITS_PER_USD",
    "ERROR_CODES",
    "ERROR_KINDS",
    "TRANSPORT_KINDS",
    "GUARD_REASONS",
    "CLIENT_DEFAULTS",
    "CLIENT_ENVIRONMENT",
    "DEFAULT_STORE",
    "_in_flight",
    "_submit",
]

#: The SDK's version (lbc-core's).
VERSION: str
#: The ``User-Agent`` sent unless ``Client(user_agent=...)`` says otherwise.
USER_AGENT: str
#: The service's address.
DEFAULT_BASE_URL: str
#: Credits per US dollar.
CREDITS_PER_USD: int
#: Every error code lbc-core knows: ``(code, class, description)``.
ERROR_CODES: tuple[tuple[str, str, str], ...]
#: Every error kind's name (lbc-core's ``ErrorKind::as_str``).
ERROR_KINDS: tuple[str, ...]
#: Every transport failure kind's name (lbc-core's ``TransportKind::as_str``).
TRANSPORT_KINDS: tuple[str, ...]
#: Every reason of a guard refusal (lbc-core's ``GuardReason::as_str``).
GUARD_REASONS: tuple[str, ...]
#: lbc-core's client builder defaults, by ``Client`` keyword.
CLIENT_DEFAULTS: dict[str, Any]
#: The environment variables :meth:`Client.from_env` reads, by ``Client`` keyword
#: (``{"call_api_id": "LOGINBYCALL_CALL_API_ID", ...}``).
CLIENT_ENVIRONMENT: dict[str, str]
#: The store used when ``Client(store=...)`` is left out: ``"sqlite://"``, the per-user SQLite file
#: (``$XDG_STATE_HOME`` or ``~/.local/state``, ``loginbycall/store.sqlite3``).
DEFAULT_STORE: str

_Params = Mapping[str, str | int | None]

@final
class Client:
    """A LoginByCall client: one per process, safe to share between threads."""

    @overload
    def __new__(
        cls,
        call_api_id: str | None = None,
        api_key: str | None = None,
        *,
        base_url: str = "https://api.loginbycall.ru/callapi/v2.0/",
        encoding: str = "form",
        signature_placement: str = "param",
        timeout: float = 15.0,
        connect_timeout: float = 5.0,
        deadline: float | None = None,
        max_retries: int = 2,
        proxy: str | None = None,
        ca_bundle: str | PathLike[str] | None = None,
        user_agent: str | None = None,
        default_region: str = "RU",
        max_response_bytes: int = 1048576,
        retry_base_delay: float | None = None,
        max_attempts: int = 3,
        ttl: int = 300,
        store: str | Store | None = None,
        state_key: str | bytes | None = None,
        old_state_keys: Sequence[str | bytes] | None = None,
        guard: Mapping[str, Any] | Literal[False] | None = ...,
    ) -> Client:
        """A client; every setting is keyword-only and a bad value raises ``InvalidInput``.

        ``store``: where attempts, accept-once and the guard's counters are kept, shared by every
        process (and server) using it: a URL (``sqlite:///abs/path.sqlite3``,
        ``redis://host:port/db``, ``memory:`` for this process only), or an object with ``incr``,
        ``add`` and ``get`` (:class:`loginbycall.Store`), which must be atomic across processes.
        Default: the per-user SQLite file (:data:`DEFAULT_STORE`).

        ``state_key``: the secret (16 bytes or more) that seals login states, instead of the
        default derived from ``api_key``; ``old_state_keys``: older ones whose states are still
        resumed (rotation).

        ``guard``: left out, the default guard (mobile and fixed-line numbers of the
        ``default_region``, rates a person logging in never meets); ``None`` or ``False``: no
        guard; a dict: the settings that differ from the defaults, as lbc-core reads them in every
        language (``{"number_rate": {"calls": 3, "window": 3600}, "allowed_countries": ["RU",
        "KZ"], "call_price": 100, "spend_per_day": 500000}``; a limit ``None`` is off; an unknown
        name is ``InvalidInput`` on ``guard.<name>``).
        """
    # The names of max_attempts and ttl before 0.2, kept for one release (DeprecationWarning).
    @overload
    @deprecated("Client(login_max_attempts=..., login_ttl=...): use max_attempts= and ttl=")
    def __new__(
        cls,
        call_api_id: str | None = None,
        api_key: str | None = None,
        *,
        base_url: str = "https://api.loginbycall.ru/callapi/v2.0/",
        encoding: str = "form",
        signature_placement: str = "param",
        timeout: float = 15.0,
        connect_timeout: float = 5.0,
        deadline: float | None = None,
        max_retries: int = 2,
        proxy: str | None = None,
        ca_bundle: str | PathLike[str] | None = None,
        user_agent: str | None = None,
        default_region: str = "RU",
        max_response_bytes: int = 1048576,
        retry_base_delay: float | None = None,
        max_attempts: int | None = None,
        ttl: int | None = None,
        store: str | Store | None = None,
        state_key: str | bytes | None = None,
        old_state_keys: Sequence[str | bytes] | None = None,
        guard: Mapping[str, Any] | Literal[False] | None = ...,
        login_max_attempts: int | None = None,
        login_ttl: int | None = None,
    ) -> Client: ...
    @property
    def base_url(self) -> str:
        """The API root requests go to (always ending in ``/``)."""
    @property
    def call_api_id(self) -> str | None:
        """The configured ``call-api-id``, if any."""
    @classmethod
    def from_env(cls, **options: Any) -> Client:
        """A client from the environment: ``LOGINBYCALL_CALL_API_ID`` (required; ``InvalidInput``
        naming it when unset), ``LOGINBYCALL_API_KEY`` and ``LOGINBYCALL_BASE_URL``; ``options``
        are ``Client``'s keyword arguments and win over the environment."""
    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
    def close(self) -> None:
        """Lets go of the client's connections; any later use raises ``InvalidInput`` on
        ``client``. A second call does nothing; operations already running finish."""
    def __enter__(self) -> Client:
        """``with Client(...) as client:`` closes the client at the end of the block."""
    def __exit__(self, *_exc: object) -> bool:
        """Closes the client; exceptions go on."""
    def with_credentials(self, call_api_id: str, api_key: str) -> Client:
        """A client with the same settings and connection pool but other credentials (e.g. to
        ``credential_confirm`` the keys ``register`` or ``change_credential`` mailed)."""
    def normalize_phone(self, text: str) -> str:
        """``text`` as E.164 digits, national forms read in the client's ``default_region``;
        ``InvalidInput`` on ``msisdn`` when it is no phone number."""
    def register(
        self,
        domain: str,
        admin_email: str,
        *,
        admin_phone: str | None = None,
        verify_url: str | None = None,
        balance_notify_limit: int | None = None,
    ) -> Registration:
        """``register``: registers ``domain`` (the api-key is mailed to ``admin_email``). Needs no
        credentials."""
    def status(self) -> AccountStatus:
        """``status``: whether the account is activated, blocked, allowed unsigned calls."""
    def server_status(self) -> ServerStatus:
        """``server-status``: whether the service can place calls now."""
    def options(self, balance_notify_limit: int) -> None:
        """``options``: the balance (credits) below which the administrator is mailed; ``-1``:
        never."""
    def balance(self) -> Balance:
        """``balance``: payments, consumption, the notification limit and the last payments."""
    def pay(
        self,
        amount: int,
        *,
        locale: str | None = None,
        success_url: str | None = None,
        fail_url: str | None = None,
        return_url: str | None = None,
    ) -> Payment:
        """``pay``: a payment form for ``amount`` credits."""
    def change_credential(
        self, admin_email: str, admin_phone: str | None = None
    ) -> CredentialChange:
        """``change_credential``: issues a new id and key, mailed to ``admin_email``."""
    def credential_confirm(self) -> None:
        """``credential_confirm``: activates this client's id and key; older keys stop
        working."""
    def call(self, msisdn: str, ip_address: str | None = None) -> CallStarted:
        """``call``: rings ``msisdn`` (any common notation) from a random number. Costs money
        and is never sent twice by the SDK: after a ``Timeout``, check
        ``may_have_been_placed``."""
    def call_status(self, call: str) -> CallState:
        """``call-status``: where the call is."""
    def call_hangup(self, call: str) -> None:
        """``call-hangup``: ends a call that is still ringing."""
    def request(self, method: str, params: _Params | None = None) -> dict[str, Any]:
        """Any method by its wire name (``call-status``, ...) with raw parameters; returns the
        JSON answer. ``call-api-id`` and the signature are added as for the typed methods."""
    def start_login(self, msisdn: str, ip_address: str | None = None) -> Login:
        """Places the call for a login (after the guard's checks) and returns the ``Login``."""
    def resume_login(self, state: str) -> Login:
        """A login back from its sealed state (``Login.to_json()``), made by this client or one
        with the same state key. Any change to the state is ``InvalidInput`` on
        ``login_state``; the attempts made so far are read from the store (``StoreError``)."""

@final
class Login:
    """One login in progress, checked against the attempts counted in the client's store;
    thread-safe. Its sealed state (``to_json()``) holds neither the code nor the mask."""

    @property
    def call(self) -> str:
        """The call's id."""
    @property
    def msisdn(self) -> str:
        """The number called, as E.164 digits."""
    @property
    def ip_address(self) -> str | None:
        """The user's IP address, if the site gave it."""
    @property
    def prompt(self) -> str:
        """What to show while waiting: the caller's number without its last ``codelen`` digits."""
    @property
    def codelen(self) -> int:
        """How many digits the user types."""
    @property
    def repeat_timeout(self) -> int:
        """Seconds before the same number may be called again."""
    @property
    def started_at(self) -> int:
        """When the call was placed, as UNIX seconds."""
    @property
    def expires_at(self) -> int:
        """When the code stops being accepted, as UNIX seconds."""
    @property
    def attempts(self) -> int:
        """Checks made on this call so far, as this object last saw them in the store."""
    @property
    def attempts_left(self) -> int:
        """Checks left before the login locks (0 once the code was accepted), as last seen."""
    @property
    def max_attempts(self) -> int:
        """Checks allowed per call: the client's ``max_attempts``."""
    @property
    def is_accepted(self) -> bool:
        """Whether the code was accepted (it is accepted only once), as last seen."""
    @property
    @deprecated("Login.accepted: use Login.is_accepted")
    def accepted(self) -> bool:
        """Deprecated (DeprecationWarning), goes in the next release: ``is_accepted``."""
    def check(self, digits: str) -> Verdict:
        """Judges the digits typed; at most ``max_attempts`` checks are judged per call across
        every process sharing the store, and the right code is accepted once. Nothing needs
        saving afterwards. Raises ``StoreError`` when the store fails (nothing was judged)."""
    def wait_final(self, client: Client, timeout: float = 30.0) -> CallState:
        """Polls ``call-status`` until the status is final or ``timeout`` seconds pass, and
        returns the last status seen (not final if the time ran out). Ctrl-C interrupts it."""
    def hangup(self, client: Client) -> None:
        """Ends the call if it is still ringing (``call-hangup``), e.g. once the digits were
        accepted."""
    def to_json(self) -> str:
        """The sealed state for the site's session; read it back with
        ``Client.resume_login``. It does not change when digits are checked."""
    @staticmethod
    @deprecated("Login.from_json: use client.resume_login(state)")
    def from_json(text: str) -> Login:
        """Deprecated: always raises ``InvalidInput`` (use ``Client.resume_login``)."""

@final
class Signer:
    """Signs requests with one account's api-key, keyed once; thread-safe."""

    def __new__(cls, api_key: str) -> Signer:
        """A signer for ``api_key``."""
    def sign(self, method: str, params: _Params) -> str:
        """The request's signature (lower-case hex HMAC-SHA512)."""

@final
class SandboxServer:
    """A running lbc-sandbox; see ``loginbycall.testing.Sandbox``."""

    def __new__(
        cls,
        *,
        accounts: list[tuple[str, str]] | None = None,
        dial_ms: int | None = None,
        ring_ms: int | None = None,
        account_balance: int | None = None,
        call_price: int | None = None,
        repeat_timeout: float | None = None,
        codelen: int | None = None,
        request_timeout: float | None = None,
        verify_timeout: float | None = None,
    ) -> SandboxServer:
        """Starts a sandbox; every setting left ``None`` takes lbc-sandbox's default."""
    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/callapi/v2.0/``"""
    @property
    def port(self) -> int:
        """The port it listens on (on 127.0.0.1)."""
    @property
    def accounts(self) -> list[tuple[str, str]]:
        """The seeded accounts, as ``(call_api_id, api_key)``."""
    @property
    def ready_line(self) -> str:
        """The sandbox contract's ready line (JSON)."""
    @property
    def running(self) -> bool:
        """Whether it still serves."""
    def shutdown(self) -> None:
        """Stops serving (answers in flight finish first; Ctrl-C interrupts the wait)."""

@final
class Pending:
    """An operation ``_submit`` started (used by ``AsyncClient``)."""

    def cancel(self) -> None:
        """Asks the operation to stop at its next pause; its outcome is then dropped."""
    @property
    def cancelled(self) -> bool:
        """Whether ``cancel()`` was called."""

def _submit(
    callback: Callable[[bool, Any], object], method: Callable[..., Any], /, *args: Any, **kwargs: Any
) -> Pending:
    """Calls ``method`` (of ``Client`` or ``Login``) so that its operation runs on a thread of its
    own and settles ``callback(ok, value)``; for ``AsyncClient``."""

def _in_flight() -> int:
    """How many operations run on threads of their own right now."""

def sign(api_key: str, method: str, params: _Params) -> str:
    """The signature of ``method`` with ``params`` under ``api_key`` (lower-case hex)."""
def canonical(method: str, params: _Params) -> bytes:
    """The bytes a signature is computed over."""
def normalize_phone(text: str, region: str = "RU") -> str:
    """``text`` as E.164 digits, national forms read in ``region``."""
def call_status_is_final(code: int) -> bool:
    """Whether a ``call-status`` code is final."""
def call_status_description(code: int) -> str:
    """The description of a ``call-status`` code."""
