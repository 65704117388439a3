"""The service's answers, as immutable objects.

The native client builds them from lbc-core's typed answers, which checked every field; nothing
here reads JSON. Money is an ``int`` of credits (1 USD = 10 000 credits) with a ``Decimal`` in USD
beside it (the ``*_usd`` properties).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal

from . import _native

__all__ = [
    "CREDITS_PER_USD",
    "AccountStatus",
    "Balance",
    "CallStarted",
    "CallState",
    "CallStatus",
    "CredentialChange",
    "Payment",
    "PaymentRecord",
    "Registration",
    "ServerStatus",
    "Verdict",
    "usd",
]

#: Credits per US dollar.
CREDITS_PER_USD: int = _native.CREDITS_PER_USD


def usd(credits: int) -> Decimal:
    """``credits`` in US dollars, exactly: ``usd(1234567) == Decimal("123.4567")``."""
    return Decimal(credits) / Decimal(CREDITS_PER_USD)


class CallStatus(enum.IntEnum):
    """Where a call is, as the service numbers it. ``QUEUED`` and ``DIALING`` may still change.

    A number this SDK does not know becomes a member named ``UNKNOWN_<n>`` (and is final), so an
    answer never fails for a new status.
    """

    QUEUED = 1
    DIALING = 2
    ANSWERED = 4
    BUSY = 8
    NOT_ANSWERED = 16
    FAILED = 32

    @classmethod
    def _missing_(cls, value: object) -> CallStatus | None:
        if not isinstance(value, int) or isinstance(value, bool):
            return None
        member = int.__new__(cls, value)
        member._name_ = f"UNKNOWN_{value}"
        member._value_ = value
        return member

    @property
    def is_final(self) -> bool:
        """Whether the status will not change any more (lbc-core's ``CallStatus::is_final``)."""
        return _native.call_status_is_final(int(self))

    @property
    def description(self) -> str:
        """The service's ``status_desc`` for the status, e.g. ``notanswered``."""
        return _native.call_status_description(int(self))


@dataclass(frozen=True)
class Registration:
    """The answer to ``register``: the new ``call_api_id`` (its key is mailed to the admin)."""

    call_api_id: str
    #: Where the service will look for the file holding ``call_api_id``.
    verify_url: str


@dataclass(frozen=True)
class AccountStatus:
    """The answer to ``status``."""

    activated: bool
    blocked: bool
    #: The service's administrator allowed unsigned requests.
    allow_unsecure_calls: bool


@dataclass(frozen=True)
class ServerStatus:
    """The answer to ``server_status``."""

    #: The service's own figure: 1 works, 0 technical trouble.
    server_status: int
    #: Whether calls can be placed now; when not, offer users another way to log in.
    is_working: bool


@dataclass(frozen=True)
class PaymentRecord:
    """One of the last payments in :class:`Balance`."""

    #: The amount paid, in credits.
    value: int
    #: When, as UNIX seconds.
    created: int

    @property
    def value_usd(self) -> Decimal:
        """``value`` in US dollars."""
        return usd(self.value)

    @property
    def created_at(self) -> datetime:
        """``created`` as an aware UTC datetime."""
        return datetime.fromtimestamp(self.created, tz=timezone.utc)


@dataclass(frozen=True)
class Balance:
    """The answer to ``balance``; amounts in credits."""

    #: The sum of every payment.
    balance: int
    #: The sum of every charge.
    consumed: int
    #: Below this balance the administrator is mailed (``-1``: never).
    balance_notify_limit: int
    #: The last (up to 5) payments.
    last_payments: tuple[PaymentRecord, ...]
    #: What is left: ``balance - consumed``.
    current: int

    @property
    def balance_usd(self) -> Decimal:
        """``balance`` in US dollars."""
        return usd(self.balance)

    @property
    def consumed_usd(self) -> Decimal:
        """``consumed`` in US dollars."""
        return usd(self.consumed)

    @property
    def current_usd(self) -> Decimal:
        """``current`` in US dollars."""
        return usd(self.current)

    @property
    def balance_notify_limit_usd(self) -> Decimal:
        """``balance_notify_limit`` in US dollars."""
        return usd(self.balance_notify_limit)


@dataclass(frozen=True)
class Payment:
    """The answer to ``pay``, in either of the service's two shapes.

    ``shape`` is ``"form"`` (the first revision: post ``fields`` to ``url`` with ``method``) or
    ``"html"`` (the later one: a ready form in ``html``). :meth:`to_html` gives an embeddable HTML
    form for both.
    """

    shape: str
    url: str | None
    method: str | None
    #: The form's hidden fields, in the service's order.
    fields: tuple[tuple[str, str], ...]
    html: str | None
    #: The form as lbc-core renders it (``to_html``).
    rendered_html: str = field(repr=False)

    def to_html(self) -> str:
        """The payment as an HTML form (its button has the class ``lbc-payment-button``)."""
        return self.rendered_html


@dataclass(frozen=True)
class CredentialChange:
    """The answer to ``change_credential``: the new id (its key is mailed to the admin)."""

    call_api_id: str


@dataclass(frozen=True)
class CallStarted:
    """The answer to ``call``: the call is queued."""

    #: The call's id, for ``call_status`` and ``call_hangup``.
    call: str
    #: The number the call comes from; its last ``codelen`` digits are the code.
    mask: str
    codelen: int
    #: Seconds before the same number may be called again.
    repeat_timeout: int


@dataclass(frozen=True)
class CallState:
    """The answer to ``call_status``."""

    status: CallStatus
    status_desc: str
    #: Why the call failed, for ``CallStatus.FAILED``.
    last_error: str | None

    @property
    def is_final(self) -> bool:
        """Whether the status will not change any more."""
        return self.status.is_final


@dataclass(frozen=True)
class Verdict:
    """The verdict on the digits a user typed (:meth:`loginbycall.Login.check`).

    Exactly one of ``accepted``, ``rejected``, ``locked``, ``expired`` is true; ``name`` says which.
    ``bool(verdict)`` is ``verdict.accepted``.
    """

    #: ``accepted``, ``rejected``, ``locked`` or ``expired``.
    name: str
    #: The right digits: log the user in (and hang up the call).
    accepted: bool
    #: No attempt left, or the code was accepted already: start a new call.
    locked: bool
    #: The code is too old: start a new call.
    expired: bool
    #: Checks left before the login locks (non-zero only when rejected).
    attempts_left: int

    @property
    def rejected(self) -> bool:
        """Wrong digits; the user may try again (``attempts_left`` times)."""
        return self.name == "rejected"

    def __bool__(self) -> bool:
        return self.accepted
