"""The native half of the LoginByCall SDK (Rust, pyo3); import ``loginbycall`` instead.

Its classes say they live in the package (``loginbycall.Client``, ``loginbycall.Login``,
``loginbycall.Signer``; ``loginbycall.testing.SandboxServer``), where the package re-exports them.
"""

from collections.abc import Mapping, Sequence
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
    "DEFAULT_STORE",
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
    def base_url(self) -> str: ...
    @property
    def call_api_id(self) -> str | None: ...
    def with_credentials(self, call_api_id: str, api_key: str) -> Client: ...
    def normalize_phone(self, text: str) -> str: ...
    def register(
        self,
        domain: str,
        admin_email: str,
        *,
        admin_phone: str | None = None,
        verify_url: str | None = None,
        balance_notify_limit: int | None = None,
    ) -> Registration: ...
    def status(self) -> AccountStatus: ...
    def server_status(self) -> ServerStatus: ...
    def options(self, balance_notify_limit: int) -> None: ...
    def balance(self) -> Balance: ...
    def pay(
        self,
        amount: int,
        *,
        locale: str | None = None,
        success_url: str | None = None,
        fail_url: str | None = None,
        return_url: str | None = None,
    ) -> Payment: ...
    def change_credential(
        self, admin_email: str, admin_phone: str | None = None
    ) -> CredentialChange: ...
    def credential_confirm(self) -> None: ...
    def call(self, msisdn: str, ip_address: str | None = None) -> CallStarted: ...
    def call_status(self, call: str) -> CallState: ...
    def call_hangup(self, call: str) -> None: ...
    def request(self, method: str, params: _Params | None = None) -> dict[str, Any]: ...
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
    def call(self) -> str: ...
    @property
    def msisdn(self) -> str: ...
    @property
    def ip_address(self) -> str | None: ...
    @property
    def prompt(self) -> str: ...
    @property
    def codelen(self) -> int: ...
    @property
    def repeat_timeout(self) -> int: ...
    @property
    def started_at(self) -> int: ...
    @property
    def expires_at(self) -> int: ...
    @property
    def attempts(self) -> int: ...
    @property
    def attempts_left(self) -> int: ...
    @property
    def max_attempts(self) -> int: ...
    @property
    def is_accepted(self) -> bool: ...
    @property
    @deprecated("Login.accepted: use Login.is_accepted")
    def accepted(self) -> bool:
        """Deprecated (DeprecationWarning), goes in the next release: ``is_accepted``."""
    def check(self, digits: str) -> Verdict:
        """Judges the digits typed; at most ``max_attempts`` checks are judged per call across
        every process sharing the store, and the right code is accepted once. Nothing needs
        saving afterwards. Raises ``StoreError`` when the store fails (nothing was judged)."""
    def wait_final(self, client: Client, timeout: float = 30.0) -> CallState: ...
    def hangup(self, client: Client) -> None: ...
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

    def __new__(cls, api_key: str) -> Signer: ...
    def sign(self, method: str, params: _Params) -> str: ...

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
    ) -> SandboxServer: ...
    @property
    def base_url(self) -> str: ...
    @property
    def port(self) -> int: ...
    @property
    def accounts(self) -> list[tuple[str, str]]: ...
    @property
    def ready_line(self) -> str: ...
    @property
    def running(self) -> bool: ...
    def shutdown(self) -> None: ...

def sign(api_key: str, method: str, params: _Params) -> str: ...
def canonical(method: str, params: _Params) -> bytes: ...
def normalize_phone(text: str, region: str = "RU") -> str: ...
def call_status_is_final(code: int) -> bool: ...
def call_status_description(code: int) -> str: ...
