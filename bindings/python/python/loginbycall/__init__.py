"""LoginByCall: sign users in by a phone call.

The service rings the user's phone from a random number; the user types the last digits of that
number; the site checks them::

    import loginbycall

    client = loginbycall.Client(CALL_API_ID, API_KEY)
    login = client.start_login("8 (925) 688-06-36", ip_address=request_ip)
    session["lbc"] = login.to_json()          # sealed: no code in it, any change refused
    # ... show f"+{login.prompt}" followed by login.codelen blanks, then, on the next request:
    login = client.resume_login(session["lbc"])
    if login.check(typed_digits).accepted:    # attempts are counted in the store
        login.hangup(client)

Attempts, accept-once and the guard's counters live in the client's store (``store=``: by
default a per-user SQLite file shared by every process of the server; ``redis://`` for several
servers; see :class:`loginbycall.Store`).

Everything runs in the Rust core (lbc-core): signing, retries, timeouts, the login rules, phone
numbers. ``Client`` is safe to share between threads and releases the interpreter while it waits
on the network (Ctrl-C interrupts it); ``AsyncClient`` has the same methods as coroutines for
asyncio. Events (one DEBUG line per request, INFO for retries and the guard's refusals, WARNING for
a call that may have been placed) go to ``logging.getLogger("loginbycall")``. Errors are in :mod:`loginbycall.errors`; :mod:`loginbycall.testing` embeds the
sandbox emulator for a site's own tests.
"""

from __future__ import annotations

from . import _log, errors
from ._aio import AsyncClient, AsyncLogin
from ._native import (
    DEFAULT_BASE_URL,
    VERSION,
    Client,
    Login,
    Signer,
    canonical,
    normalize_phone,
    sign,
)
from .answers import (
    CREDITS_PER_USD,
    AccountStatus,
    Balance,
    CallStarted,
    CallState,
    CallStatus,
    CredentialChange,
    Payment,
    PaymentRecord,
    Registration,
    ServerStatus,
    Verdict,
    usd,
)
from .store import Store

#: The SDK's version (lbc-core's, as in Cargo.toml).
__version__: str = VERSION

__all__ = [
    "CREDITS_PER_USD",
    "DEFAULT_BASE_URL",
    "AccountStatus",
    "AsyncClient",
    "AsyncLogin",
    "Balance",
    "CallStarted",
    "CallState",
    "CallStatus",
    "Client",
    "CredentialChange",
    "Login",
    "Payment",
    "PaymentRecord",
    "Registration",
    "ServerStatus",
    "Signer",
    "Store",
    "Verdict",
    "canonical",
    "errors",
    "normalize_phone",
    "sign",
    "usd",
]
# BEGIN GENERATED: the exception tree, written by tools/gen_errors.py.
from .errors import (
    AccountAlreadyRegistered,
    AccountBlocked,
    AccountBlockedAdmin,
    AccountInactive,
    AccountVerifyUrlDomain,
    AccountVerifyUrlProtocol,
    ApiError,
    CallNotFound,
    CallRejected,
    CallRepeatTimeout,
    DecodeError,
    GuardRefused,
    HttpError,
    InternalError,
    InvalidAccount,
    InvalidAccountVerifyKey,
    InvalidAccountVerifyResponse,
    InvalidArgs,
    InvalidInput,
    InvalidSignature,
    InvalidTimestamp,
    LoginByCallError,
    NoSignature,
    NonceAlreadyUsed,
    NotEnoughCredit,
    ServiceError,
    StoreError,
    Timeout,
    TooManyAccountsRegistered,
    TransportError,
    Unexpected,
)

__all__ += [
    "LoginByCallError",
    "ApiError",
    "HttpError",
    "TransportError",
    "Timeout",
    "DecodeError",
    "InvalidInput",
    "GuardRefused",
    "StoreError",
    "InternalError",
    "Unexpected",
    "InvalidArgs",
    "NoSignature",
    "InvalidSignature",
    "InvalidTimestamp",
    "NonceAlreadyUsed",
    "InvalidAccount",
    "AccountBlocked",
    "NotEnoughCredit",
    "CallNotFound",
    "CallRepeatTimeout",
    "AccountAlreadyRegistered",
    "AccountVerifyUrlProtocol",
    "AccountVerifyUrlDomain",
    "AccountBlockedAdmin",
    "AccountInactive",
    "CallRejected",
    "TooManyAccountsRegistered",
    "InvalidAccountVerifyKey",
    "InvalidAccountVerifyResponse",
    "ServiceError",
]
# END GENERATED
