"""Every error the SDK raises, as one tree under :class:`LoginByCallError`.

The native module raises these classes; which one follows from lbc-core's error kinds
(``lbc_core::ErrorKind::as_str``) and, for an answer of the service, from its error code
(``lbc_core::ErrorCode``):

``LoginByCallError``
    ``ApiError`` (the service answered with an error code): one subclass per known code, named
    after it in CamelCase (``CALL_REPEAT_TIMEOUT`` -> :class:`CallRepeatTimeout`); the service's
    catch-all code ``Error`` is :class:`ServiceError`. An unknown code stays ``ApiError`` with its
    ``code``.
    ``HttpError`` (an HTTP status other than 200), ``TransportError`` (DNS, connection, TLS),
    ``Timeout`` (also a built-in :class:`TimeoutError`), ``DecodeError`` (an answer the protocol
    does not allow), ``InvalidInput`` (also a :class:`ValueError`; refused before sending),
    ``GuardRefused`` (the guard refused to place a call: nothing was sent), ``StoreError`` (the
    store that counts attempts failed), ``InternalError``.

Every error has ``may_have_been_placed``: whether the request may have reached the service, so
that (for ``call``) a call may have been placed and paid for. Check with ``call_status`` before
calling again. No message or ``repr`` ever holds the api-key.

The exceptions pickle with their attributes (``copy``, ``multiprocessing`` and caches keep them
whole).
"""

from __future__ import annotations

import warnings
from typing import Any, ClassVar

from . import _native

__all__ = [
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
]


class LoginByCallError(Exception):
    """The base of every error of the SDK."""

    #: The error kind's name (lbc-core's ``ErrorKind::as_str``).
    kind: ClassVar[str] = ""

    def __init__(
        self,
        message: str,
        *,
        may_have_been_placed: bool = False,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        #: What went wrong, in words (also ``str(error)``).
        self.message: str = message
        #: Whether the request may have reached the service (for ``call``: a call may have been
        #: placed and paid for). False only when nothing reached it.
        self.may_have_been_placed: bool = may_have_been_placed
        #: The answer's ``X-Request-Id``, to quote to the service's support, when there was one.
        self.request_id: str | None = request_id

    def __str__(self) -> str:
        return self.message


class ApiError(LoginByCallError):
    """The service answered with an error code.

    ``code`` is the code as the service spelled it; ``error_class`` its ``clazz`` (``GENERIC`` or
    ``PROCESS``), ``reason`` its human text, ``additional`` its extra details (e.g.
    ``{"delay": 23.563}``), ``delay`` the seconds to wait before calling again when the service
    said (``CALL_REPEAT_TIMEOUT``), ``description`` the documentation's text for the code.
    """

    kind: ClassVar[str] = "api_error"
    #: The code this class stands for (``None`` for ``ApiError`` itself: any unknown code).
    CODE: ClassVar[str | None] = None
    #: The class the documentation puts the code in.
    ERROR_CLASS: ClassVar[str | None] = None

    def __init__(
        self,
        message: str,
        *,
        code: str = "",
        error_class: str | None = None,
        reason: str | None = None,
        additional: Any = None,
        delay: float | None = None,
        description: str = "",
        stack: str | None = None,
        request_id: str | None = None,
        may_have_been_placed: bool = False,
    ) -> None:
        super().__init__(
            message, may_have_been_placed=may_have_been_placed, request_id=request_id
        )
        self.code: str = code or (type(self).CODE or "")
        self.error_class: str | None = error_class
        self.reason: str | None = reason
        self.additional: Any = additional
        self.delay: float | None = delay
        self.description: str = description
        #: The service's debugging trace (``stack``), when it sent one.
        self.stack: str | None = stack


class HttpError(LoginByCallError):
    """The service, or a proxy in front of it, answered with an HTTP status other than 200."""

    kind: ClassVar[str] = "http_error"

    def __init__(
        self,
        message: str,
        *,
        http_status: int = 0,
        snippet: str = "",
        request_id: str | None = None,
        may_have_been_placed: bool = True,
    ) -> None:
        super().__init__(
            message, may_have_been_placed=may_have_been_placed, request_id=request_id
        )
        #: The HTTP status code.
        self.http_status: int = http_status
        #: The start of the body (at most 200 bytes).
        self.snippet: str = snippet

    @property
    def status(self) -> int:
        """Deprecated, goes in the next release: :attr:`http_status`."""
        warnings.warn(
            "HttpError.status is deprecated and goes in the next release: use "
            "HttpError.http_status",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.http_status


class TransportError(LoginByCallError):
    """The request could not be carried: DNS, connection, TLS, a reset connection, I/O."""

    kind: ClassVar[str] = "transport_error"

    def __init__(
        self,
        message: str,
        *,
        transport_kind: str = "io",
        may_have_been_placed: bool = False,
        request_id: str | None = None,
    ) -> None:
        super().__init__(
            message, may_have_been_placed=may_have_been_placed, request_id=request_id
        )
        #: One of :attr:`KINDS`: ``dns``, ``connect`` (no connection was made), ``tls``,
        #: ``reset``, ``proxy``, ``protocol`` or ``io``.
        self.transport_kind: str = transport_kind

    #: Every ``transport_kind`` (lbc-core's ``TransportKind::as_str``).
    KINDS: ClassVar[tuple[str, ...]] = _native.TRANSPORT_KINDS


class Timeout(LoginByCallError, TimeoutError):
    """No complete answer within the configured timeout or deadline.

    For ``call``, ``may_have_been_placed`` says whether the call may have been placed anyway.
    """

    kind: ClassVar[str] = "timeout"

    def __init__(
        self,
        message: str,
        *,
        method: str = "",
        after: float = 0.0,
        may_have_been_placed: bool = False,
        request_id: str | None = None,
    ) -> None:
        super().__init__(
            message, may_have_been_placed=may_have_been_placed, request_id=request_id
        )
        #: The API method that timed out.
        self.method: str = method
        #: The time limit that ran out, in seconds.
        self.after: float = after


class DecodeError(LoginByCallError):
    """The answer was not what the protocol promises: not JSON, too large, a field missing."""

    kind: ClassVar[str] = "decode_error"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        request_id: str | None = None,
        may_have_been_placed: bool = True,
    ) -> None:
        super().__init__(
            message, may_have_been_placed=may_have_been_placed, request_id=request_id
        )
        #: The answer's field to blame, when one is.
        self.field: str | None = field


class InvalidInput(LoginByCallError, ValueError):
    """An argument was refused before anything was sent; ``field`` names it."""

    kind: ClassVar[str] = "invalid_input"

    def __init__(
        self,
        message: str,
        *,
        field: str = "",
        reason: str = "",
        may_have_been_placed: bool = False,
        request_id: str | None = None,
    ) -> None:
        super().__init__(
            message, may_have_been_placed=may_have_been_placed, request_id=request_id
        )
        #: The argument at fault, e.g. ``msisdn``.
        self.field: str = field
        #: Why it was refused.
        self.reason: str = reason


class GuardRefused(LoginByCallError):
    """The guard refused to place a call, and nothing was sent (so nothing was paid for).

    ``reason`` is one of :attr:`REASONS` (lbc-core's ``GuardReason::as_str``): ``number_type``
    (premium-rate, VoIP, ... numbers), ``country``, ``number_rate``, ``ip_rate``, ``range_rate``,
    ``global_rate``, ``spend`` (the daily cap), ``brake`` (calls there stopped turning into
    accepted codes). ``retry_after`` is the seconds to wait before the same call may be tried
    again, when waiting helps.
    """

    kind: ClassVar[str] = "guard_refused"
    #: Every ``reason`` (lbc-core's ``GuardReason::as_str``).
    REASONS: ClassVar[tuple[str, ...]] = _native.GUARD_REASONS

    def __init__(
        self,
        message: str,
        *,
        reason: str = "",
        retry_after: float | None = None,
        may_have_been_placed: bool = False,
        request_id: str | None = None,
    ) -> None:
        super().__init__(
            message, may_have_been_placed=may_have_been_placed, request_id=request_id
        )
        #: Why the call was refused: one of :attr:`REASONS`.
        self.reason: str = reason
        #: Seconds before the same call may be tried again, or ``None`` when waiting won't help.
        self.retry_after: float | None = retry_after


class StoreError(LoginByCallError):
    """The store that counts attempts and rates (SQLite, Redis, a framework's cache) failed."""

    kind: ClassVar[str] = "store_error"


class InternalError(LoginByCallError):
    """A failure inside the SDK or its platform (e.g. no randomness from the OS)."""

    kind: ClassVar[str] = "internal_error"


#: Each error kind's name (lbc-core's ``ErrorKind::as_str``) -> its class.
KINDS: dict[str, type[LoginByCallError]] = {
    cls.kind: cls
    for cls in (
        ApiError,
        HttpError,
        TransportError,
        Timeout,
        DecodeError,
        InvalidInput,
        InternalError,
        GuardRefused,
        StoreError,
    )
}

# BEGIN GENERATED: one class per known error code, written by tools/gen_errors.py from
# lbc-core's ErrorCode::KNOWN (run it after a change there; tests/test_errors.py checks it).


class Unexpected(ApiError):
    """``UNEXPECTED`` (GENERIC): Unknown error."""

    CODE: ClassVar[str | None] = "UNEXPECTED"
    ERROR_CLASS: ClassVar[str | None] = "GENERIC"


class InvalidArgs(ApiError):
    """``INVALID_ARGS`` (GENERIC): Wrong arguments sent to the method."""

    CODE: ClassVar[str | None] = "INVALID_ARGS"
    ERROR_CLASS: ClassVar[str | None] = "GENERIC"


class NoSignature(ApiError):
    """``NO_SIGNATURE`` (GENERIC): No digital signature found."""

    CODE: ClassVar[str | None] = "NO_SIGNATURE"
    ERROR_CLASS: ClassVar[str | None] = "GENERIC"


class InvalidSignature(ApiError):
    """``INVALID_SIGNATURE`` (GENERIC): Invalid digital signature."""

    CODE: ClassVar[str | None] = "INVALID_SIGNATURE"
    ERROR_CLASS: ClassVar[str | None] = "GENERIC"


class InvalidTimestamp(ApiError):
    """``INVALID_TIMESTAMP`` (PROCESS): The timestamp differs from the current time by more than 24 hours."""

    CODE: ClassVar[str | None] = "INVALID_TIMESTAMP"
    ERROR_CLASS: ClassVar[str | None] = "PROCESS"


class NonceAlreadyUsed(ApiError):
    """``NONCE_ALREADY_USED`` (PROCESS): The nonce has already been used."""

    CODE: ClassVar[str | None] = "NONCE_ALREADY_USED"
    ERROR_CLASS: ClassVar[str | None] = "PROCESS"


class InvalidAccount(ApiError):
    """``INVALID_ACCOUNT`` (PROCESS): Unknown customer ID."""

    CODE: ClassVar[str | None] = "INVALID_ACCOUNT"
    ERROR_CLASS: ClassVar[str | None] = "PROCESS"


class AccountBlocked(ApiError):
    """``ACCOUNT_BLOCKED`` (PROCESS): The account is suspended, or these access keys are outdated."""

    CODE: ClassVar[str | None] = "ACCOUNT_BLOCKED"
    ERROR_CLASS: ClassVar[str | None] = "PROCESS"


class NotEnoughCredit(ApiError):
    """``NOT_ENOUGH_CREDIT`` (PROCESS): Not enough credit: refill the balance."""

    CODE: ClassVar[str | None] = "NOT_ENOUGH_CREDIT"
    ERROR_CLASS: ClassVar[str | None] = "PROCESS"


class CallNotFound(ApiError):
    """``CALL_NOT_FOUND`` (PROCESS): The call is not found."""

    CODE: ClassVar[str | None] = "CALL_NOT_FOUND"
    ERROR_CLASS: ClassVar[str | None] = "PROCESS"


class CallRepeatTimeout(ApiError):
    """``CALL_REPEAT_TIMEOUT`` (PROCESS): Too early to call this number again."""

    CODE: ClassVar[str | None] = "CALL_REPEAT_TIMEOUT"
    ERROR_CLASS: ClassVar[str | None] = "PROCESS"


class AccountAlreadyRegistered(ApiError):
    """``ACCOUNT_ALREADY_REGISTERED`` (PROCESS): The domain is already registered."""

    CODE: ClassVar[str | None] = "ACCOUNT_ALREADY_REGISTERED"
    ERROR_CLASS: ClassVar[str | None] = "PROCESS"


class AccountVerifyUrlProtocol(ApiError):
    """``ACCOUNT_VERIFY_URL_PROTOCOL`` (PROCESS): The verification URL must use http or https."""

    CODE: ClassVar[str | None] = "ACCOUNT_VERIFY_URL_PROTOCOL"
    ERROR_CLASS: ClassVar[str | None] = "PROCESS"


class AccountVerifyUrlDomain(ApiError):
    """``ACCOUNT_VERIFY_URL_DOMAIN`` (PROCESS): The verification URL must be on the registered domain."""

    CODE: ClassVar[str | None] = "ACCOUNT_VERIFY_URL_DOMAIN"
    ERROR_CLASS: ClassVar[str | None] = "PROCESS"


class AccountBlockedAdmin(ApiError):
    """``ACCOUNT_BLOCKED_ADMIN`` (PROCESS): The account was blocked by the service's administrator."""

    CODE: ClassVar[str | None] = "ACCOUNT_BLOCKED_ADMIN"
    ERROR_CLASS: ClassVar[str | None] = "PROCESS"


class AccountInactive(ApiError):
    """``ACCOUNT_INACTIVE`` (PROCESS): The account or these keys are not activated yet."""

    CODE: ClassVar[str | None] = "ACCOUNT_INACTIVE"
    ERROR_CLASS: ClassVar[str | None] = "PROCESS"


class CallRejected(ApiError):
    """``CALL_REJECTED`` (PROCESS): The call was rejected, try again."""

    CODE: ClassVar[str | None] = "CALL_REJECTED"
    ERROR_CLASS: ClassVar[str | None] = "PROCESS"


class TooManyAccountsRegistered(ApiError):
    """``TOO_MANY_ACCOUNTS_REGISTERED`` (PROCESS): Too many identical registrations; wait a day."""

    CODE: ClassVar[str | None] = "TOO_MANY_ACCOUNTS_REGISTERED"
    ERROR_CLASS: ClassVar[str | None] = "PROCESS"


class InvalidAccountVerifyKey(ApiError):
    """``INVALID_ACCOUNT_VERIFY_KEY`` (PROCESS): Domain check failed: the file at verify_url does not hold the call-api-id."""

    CODE: ClassVar[str | None] = "INVALID_ACCOUNT_VERIFY_KEY"
    ERROR_CLASS: ClassVar[str | None] = "PROCESS"


class InvalidAccountVerifyResponse(ApiError):
    """``INVALID_ACCOUNT_VERIFY_RESPONSE`` (PROCESS): Domain check failed: HTTP error fetching verify_url."""

    CODE: ClassVar[str | None] = "INVALID_ACCOUNT_VERIFY_RESPONSE"
    ERROR_CLASS: ClassVar[str | None] = "PROCESS"


class ServiceError(ApiError):
    """``Error`` (GENERIC): An unexpected error in the service."""

    CODE: ClassVar[str | None] = "Error"
    ERROR_CLASS: ClassVar[str | None] = "GENERIC"


#: Each known error code -> its class (an unknown code is raised as ``ApiError``).
API_ERRORS: dict[str, type[ApiError]] = {
    "UNEXPECTED": Unexpected,
    "INVALID_ARGS": InvalidArgs,
    "NO_SIGNATURE": NoSignature,
    "INVALID_SIGNATURE": InvalidSignature,
    "INVALID_TIMESTAMP": InvalidTimestamp,
    "NONCE_ALREADY_USED": NonceAlreadyUsed,
    "INVALID_ACCOUNT": InvalidAccount,
    "ACCOUNT_BLOCKED": AccountBlocked,
    "NOT_ENOUGH_CREDIT": NotEnoughCredit,
    "CALL_NOT_FOUND": CallNotFound,
    "CALL_REPEAT_TIMEOUT": CallRepeatTimeout,
    "ACCOUNT_ALREADY_REGISTERED": AccountAlreadyRegistered,
    "ACCOUNT_VERIFY_URL_PROTOCOL": AccountVerifyUrlProtocol,
    "ACCOUNT_VERIFY_URL_DOMAIN": AccountVerifyUrlDomain,
    "ACCOUNT_BLOCKED_ADMIN": AccountBlockedAdmin,
    "ACCOUNT_INACTIVE": AccountInactive,
    "CALL_REJECTED": CallRejected,
    "TOO_MANY_ACCOUNTS_REGISTERED": TooManyAccountsRegistered,
    "INVALID_ACCOUNT_VERIFY_KEY": InvalidAccountVerifyKey,
    "INVALID_ACCOUNT_VERIFY_RESPONSE": InvalidAccountVerifyResponse,
    "Error": ServiceError,
}

__all__ += [
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
