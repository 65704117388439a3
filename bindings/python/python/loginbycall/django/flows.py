"""The flow apart from any page: start a call, check the code, accept it, manage numbers.

The HTML views (:mod:`.views`), the JSON API (:mod:`.api`) and the tests all call these
functions; each returns a :class:`Result` saying what happened (``outcome``, one of
:data:`OUTCOMES`), the text for the user, the HTTP status a page or an answer should carry, and
the state of the login in progress. Nothing here renders a page or reads a form.

The login in progress lives in ``request.session`` (:mod:`.state`); the site's hooks are asked
through its adapter (:func:`.adapter.get_adapter`).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import time
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.core.cache import caches
from django.db import DatabaseError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext

from loginbycall import AsyncClient, Client, Login, errors, normalize_phone

from . import ratelimit, signals
from . import state as flow_state
from .adapter import get_adapter
from .client import embedded_sandbox, get_client
from .conf import app_settings
from .ip import client_ip
from .models import PhoneNumber, e164
from .texts import ANSWERED, DIALING, NOT_ANSWERED, RETRY_STATUSES, status_message, wait_text

__all__ = [
    "OUTCOMES",
    "Result",
    "acall_again",
    "acall_status",
    "astart_call",
    "astatus",
    "ascii_digits",
    "call_again",
    "check_code",
    "fresh_proof_left",
    "masked",
    "numbers_of",
    "parse_phone",
    "prove_with_password",
    "remove_number",
    "start_call",
    "status",
]

logger = logging.getLogger("loginbycall")

#: Every ``Result.outcome``.
OUTCOMES = (
    # start_call / call_again
    "calling",  # the call is placed: the code page
    "ringing_already",  # a call to this number from this browser rings: its code page
    "may_ring",  # the service did not confirm, the phone may ring: wait retry_after
    "repeat",  # a call to this number was placed a moment ago elsewhere: wait retry_after
    "rate_limited",  # a limit: wait retry_after (HTTP 429)
    "not_possible",  # numbers of this type or country are not called
    "unavailable",  # calls are not placed now (the service, the guard's brake): another way
    "no_credit",  # the site's account cannot pay for calls now: another way
    "invalid",  # not a phone number / not digits
    "failed",  # the call was not placed (nothing reached the service): try again
    "store_failed",  # the store that counts attempts failed (HTTP 503)
    "proof_needed",  # numbers: prove the account first
    # check_code
    "accepted",  # logged in, or the number added / the account proved
    "wrong",  # wrong digits, attempts_left left
    "locked",  # no attempt left, or the code was used
    "expired",
    "unknown_number",  # the right digits for a number no account has (no sign-up)
    "inactive",  # the number's user may not log in
    "taken",  # the number belongs to another account
    "db_failed",  # the database failed: nothing was committed, the same digits work again
    "no_login",  # no login in progress in this session
    # numbers
    "removed",
    "not_found",
    "last_number",
)

#: Seconds the service refuses a second call to one number (its documented default): the wait
#: shown when a call may have been placed without an answer saying so.
REPEAT_TIMEOUT = 30
_MAY_RING_KEY = "_loginbycall_may_ring"
PROVED_KEY = "_loginbycall_proved_at"

#: Guard reasons that are about this number or this visitor: waiting helps them.
_RATE_REASONS = ("number_rate", "ip_rate", "range_rate")


@dataclass(frozen=True)
class Result:
    """What one step of the flow did."""

    outcome: str
    #: The HTTP status a page or an API answer carries.
    http_status: int = 200
    #: The sentence for the user (in the active language); empty when the page says it itself.
    message: str = ""
    #: The login in progress after the step (``None``: none).
    state: flow_state.FlowState | None = None
    #: Seconds until the user can try again (a countdown), when known.
    retry_after: int | None = None
    attempts_left: int | None = None
    #: The user logged in (``accepted`` of a login).
    user: Any = None
    created: bool = False
    #: Where to go after (``accepted``).
    next_url: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.outcome in ("calling", "ringing_already", "accepted", "removed")


# Small helpers.


def masked(msisdn: str) -> str:
    """A number as the logs show it: ``+7925*****36``."""
    digits = msisdn.lstrip("+")
    return "+" + digits[:4] + "*" * max(0, len(digits) - 6) + digits[-2:]


def short(call_id: str) -> str:
    """The start of a call id, enough to find it in the service's records."""
    return call_id[:12]


def ascii_digits(text: str) -> str:
    """``text`` with every Unicode decimal digit (full-width ``１``, Arabic-Indic ``٤``, ...) as
    its ASCII digit, after NFKC; other characters are kept as they are."""
    out = []
    for char in unicodedata.normalize("NFKC", text):
        value = unicodedata.decimal(char, None) if not char.isascii() else None
        out.append(str(value) if value is not None else char)
    return "".join(out)


def parse_phone(text: str) -> str | None:
    """lbc-core's digits for what the user typed (``79256880636``), or ``None``."""
    region = str(app_settings().client_options.get("default_region") or "")
    region = region or app_settings().default_region or "RU"
    try:
        return normalize_phone(ascii_digits(text), region)
    except errors.InvalidInput:
        return None


def safe_next(request: HttpRequest, url: str | None) -> str | None:
    """``url`` when it points to this site, else ``None`` (another host's URL is ignored)."""
    if not url:
        return None
    allowed = url_has_allowed_host_and_scheme(
        url,
        allowed_hosts={request.get_host(), *getattr(settings, "ALLOWED_HOSTS", ())} - {"*"},
        require_https=request.is_secure(),
    )
    return url if allowed else None


def _client_key(request: HttpRequest, msisdn: str) -> str:
    return f"{msisdn}|{client_ip(request)}"


def _failed(request: HttpRequest, phone: str, reason: str) -> None:
    signals.login_failed.send(sender=Result, request=request, phone=phone, reason=reason)


# Placing a call.


@dataclass
class _Placing:
    """What :func:`start_call` prepared before asking the service for the call."""

    client: Client
    ip: str | None
    user: Any
    #: The counter of this browser's requests placing a call to the number (``None``: none).
    placing: str | None


def _before_call(request: HttpRequest, phone: str, purpose: str) -> Result | _Placing:
    """The checks before a call (who may ask for it, the numbers page's rate), or the refusal."""
    user = getattr(request, "user", None)
    if purpose != "login":
        if user is None or not user.is_authenticated:
            return Result("proof_needed", 403, gettext("Log in first."))
        if purpose == "add":
            if fresh_proof_left(request) <= 0:
                return Result("proof_needed", 403, gettext("Confirm it is you first."))
            limited = ratelimit.consume(request, "numbers")
            if limited is not None:
                return _limited_result(limited.retry_after)
    placing = _placed_key(request, "placing", phone)
    if placing is not None:
        # How many requests of this browser are placing a call to this number right now.
        cache = caches[app_settings().cache]
        cache.add(placing, 0, 30)
        cache.incr(placing)
    return _Placing(get_client(), client_ip(request) or None, user, placing)


def _after_call(
    request: HttpRequest,
    phone: str,
    purpose: str,
    next_url: str | None,
    replaces: str | None,
    placing: _Placing,
    outcome: Login | errors.LoginByCallError,
) -> Result:
    """What the service's answer (a login, or the error) means, the login kept in the session."""
    cache = caches[app_settings().cache]
    if placing.placing is not None:
        try:
            cache.decr(placing.placing)
        except ValueError:
            pass
    if isinstance(outcome, errors.LoginByCallError):
        return _call_failed(request, phone, outcome)
    login = outcome
    user = placing.user
    request.session.pop(_MAY_RING_KEY, None)
    state = flow_state.FlowState(
        login_json=login.to_json(),
        purpose=purpose,
        next_url=next_url,
        user_pk=str(user.pk) if purpose != "login" and user is not None else None,
        replaces=replaces,
    )
    flow_state.save(request, state)
    placed = _placed_key(request, "placed", phone)
    if placed is not None:
        cache.set(placed, asdict(state), max(1, login.repeat_timeout) + 5)
    logger.info("call placed: call=%s to %s (%s)", short(login.call), masked(phone), purpose)
    return Result("calling", state=state, retry_after=login.repeat_timeout)


def _call_failed(request: HttpRequest, phone: str, error: errors.LoginByCallError) -> Result:
    """The page for a call the SDK or the service refused, or that may have been placed."""
    if isinstance(error, errors.GuardRefused):
        return _guard_refused(request, phone, error)
    if isinstance(error, errors.CallRepeatTimeout):
        return _repeat(request, phone, math.ceil(error.delay or 0), error.request_id)
    if isinstance(error, errors.NotEnoughCredit):
        logger.error(
            "call to %s: NOT_ENOUGH_CREDIT: the account's balance is spent (request_id=%s)",
            masked(phone),
            error.request_id or "-",
        )
        return Result(
            "no_credit",
            503,
            gettext("This site cannot place calls right now."),
        )
    if isinstance(error, errors.CallRejected):
        logger.warning(
            "call to %s rejected by the service (request_id=%s)",
            masked(phone),
            error.request_id or "-",
        )
        return Result("unavailable", 503)
    if isinstance(error, errors.InvalidInput):
        from .forms import EXAMPLE

        return Result(
            "invalid",
            200,
            gettext("Enter a valid phone number, e.g. %(example)s.") % {"example": EXAMPLE},
        )
    if isinstance(error, errors.StoreError):
        logger.error("the login store failed: %s", error)
        return Result("store_failed", 503, gettext("Please try again in a minute."))
    logger.error(
        "call to %s failed: %s %s (request_id=%s, may_have_been_placed=%s)",
        masked(phone),
        error.kind,
        getattr(error, "code", ""),
        error.request_id or "-",
        error.may_have_been_placed,
    )
    if error.may_have_been_placed:
        request.session[_MAY_RING_KEY] = {"msisdn": phone, "at": time.time()}
        return _may_ring(REPEAT_TIMEOUT)
    return Result("failed", 503, gettext("The call was not placed. Please try again in a minute."))


def start_call(
    request: HttpRequest,
    phone: str,
    purpose: str = "login",
    next_url: str | None = None,
    *,
    replaces: str | None = None,
) -> Result:
    """Places a call to ``phone`` (lbc-core's digits, :func:`parse_phone`) for ``purpose``
    (``login``, ``add`` a number, ``reauth``: prove the account with one of its numbers) and
    keeps the login in the session."""
    placing = _before_call(request, phone, purpose)
    if isinstance(placing, Result):
        return placing
    outcome: Login | errors.LoginByCallError
    try:
        outcome = placing.client.start_login(phone, ip_address=placing.ip)
    except errors.LoginByCallError as error:
        outcome = error
    return _after_call(request, phone, purpose, next_url, replaces, placing, outcome)


async def astart_call(
    request: HttpRequest,
    phone: str,
    purpose: str = "login",
    next_url: str | None = None,
    *,
    replaces: str | None = None,
) -> Result:
    """:func:`start_call` for async views: the session, the cache and the database on Django's
    threads (``sync_to_async``), the call itself through :class:`loginbycall.AsyncClient`, so
    that no thread waits for the service."""
    placing = await sync_to_async(_before_call)(request, phone, purpose)
    if isinstance(placing, Result):
        return placing
    outcome: Login | errors.LoginByCallError
    try:
        outcome = (await AsyncClient(client=placing.client).start_login(phone, placing.ip)).login
    except errors.LoginByCallError as error:
        outcome = error
    return await sync_to_async(_after_call)(
        request, phone, purpose, next_url, replaces, placing, outcome
    )


def _may_ring(wait: int) -> Result:
    return Result(
        "may_ring",
        200,
        gettext(
            "We asked for the call, but the service did not confirm it: your phone may ring "
            "in a moment. That call cannot be checked here; you can ask for a new call when "
            "the countdown ends."
        ),
        retry_after=max(1, wait),
    )


def _repeat(request: HttpRequest, phone: str, delay: int, request_id: str | None) -> Result:
    """A second call to ``phone`` within the repeat timeout: the call that rings is this
    browser's (a double click, a second tab): its code page; else the countdown."""
    logger.info("call to %s: repeat timeout %ss (request_id=%s)", masked(phone), delay, request_id)
    found = _ringing_state(request, phone)
    if found is not None:
        return Result(
            "ringing_already",
            message=gettext(
                "A call to this number was placed a moment ago: type the digits of that call, "
                "or ask for a new one when the countdown ends."
            ),
            state=found,
            retry_after=max(1, delay),
        )
    ring = request.session.get(_MAY_RING_KEY)
    if isinstance(ring, dict) and ring.get("msisdn") == phone:
        return _may_ring(delay)
    return Result(
        "repeat",
        200,
        gettext(
            "A call to this number was placed a moment ago from another page. "
            "If your phone rang, use that page; or ask for a new call when the countdown ends."
        ),
        retry_after=max(1, delay),
    )


def _browser_id(request: HttpRequest) -> str | None:
    """What tells this browser (or app session) apart across its own concurrent requests: its
    CSRF cookie, else its session key; hashed."""
    token = request.COOKIES.get(getattr(settings, "CSRF_COOKIE_NAME", "csrftoken"))
    token = token or request.session.session_key
    if not token:
        return None
    return hashlib.sha256(("loginbycall.browser:" + token).encode()).hexdigest()[:40]


def _placed_key(request: HttpRequest, kind: str, phone: str) -> str | None:
    browser = _browser_id(request)
    return None if browser is None else f"loginbycall:{kind}:{browser}:{phone}"


def _ringing_state(request: HttpRequest, phone: str) -> flow_state.FlowState | None:
    """The login to ``phone`` this browser placed: in the session, or placed by another request
    of the same browser (the first of a double submit, maybe still in flight: waited for)."""
    found = flow_state.load(request)
    if found is not None and found.login.msisdn == phone:
        return found
    placed = _placed_key(request, "placed", phone)
    placing = _placed_key(request, "placing", phone)
    if placed is None or placing is None:
        return None
    cache = caches[app_settings().cache]
    deadline = time.monotonic() + 8
    while True:
        data = cache.get(placed)
        if isinstance(data, dict):
            try:
                state = flow_state.FlowState(**data)
                state.login  # noqa: B018 (refuses a state lbc-core cannot read)
            except (TypeError, ValueError, errors.InvalidInput):
                return None
            flow_state.save(request, state)
            return state
        # This request counts itself: wait only while another one is placing the call.
        if int(cache.get(placing) or 0) < 2 or time.monotonic() >= deadline:
            return None
        time.sleep(0.2)


def _limited_result(retry_after: int) -> Result:
    return Result(
        "rate_limited",
        429,
        gettext("Too many attempts. Try again in %(time)s.") % {"time": wait_text(retry_after)},
        retry_after=retry_after,
    )


def _guard_refused(request: HttpRequest, phone: str, error: errors.GuardRefused) -> Result:
    log = logger.error if error.reason in ("brake", "spend", "global_rate") else logger.warning
    log(
        "call to %s refused by the guard: %s (retry after %s s)",
        masked(phone),
        error.reason,
        "-" if error.retry_after is None else math.ceil(error.retry_after),
    )
    signals.call_refused.send(
        sender=Result,
        request=request,
        phone=e164(phone),
        reason=error.reason,
        retry_after=error.retry_after,
    )
    rate = error.reason in _RATE_REASONS
    _failed(request, e164(phone), "rate_limited" if rate else "refused")
    if rate and error.retry_after is not None:
        wait = math.ceil(error.retry_after)
        return Result(
            "rate_limited",
            429,
            gettext("Too many calls. Try again in %(time)s.") % {"time": wait_text(wait)},
            retry_after=wait,
        )
    if error.reason in ("number_type", "country"):
        return Result("not_possible", 200, gettext("Calls to this number are not possible."))
    return Result("unavailable", 503)


def call_again(request: HttpRequest) -> Result:
    """A new call to the number of the login in progress."""
    state = flow_state.load(request)
    if state is None:
        return Result("no_login", 404)
    return start_call(
        request,
        state.login.msisdn,
        state.purpose,
        state.next_url,
        replaces=state.replaces,
    )


async def acall_again(request: HttpRequest) -> Result:
    """:func:`call_again` for async views."""
    state = await sync_to_async(flow_state.load)(request)
    if state is None:
        return Result("no_login", 404)
    return await astart_call(
        request,
        state.login.msisdn,
        state.purpose,
        state.next_url,
        replaces=state.replaces,
    )


# The call's status.


def call_status(state: flow_state.FlowState) -> tuple[int | None, bool]:
    """The call's status code and whether it is final; the service is not asked after a final
    one."""
    if state.final_status is not None:
        return state.final_status, True
    try:
        answer = get_client().call_status(state.login.call)
    except errors.LoginByCallError as error:
        return _status_failed(state, error)
    return int(answer.status), answer.is_final


async def acall_status(state: flow_state.FlowState) -> tuple[int | None, bool]:
    """:func:`call_status` for async views, through :class:`loginbycall.AsyncClient`."""
    if state.final_status is not None:
        return state.final_status, True
    client = await sync_to_async(get_client)()
    try:
        answer = await AsyncClient(client=client).call_status(state.login.call)
    except errors.LoginByCallError as error:
        return _status_failed(state, error)
    return int(answer.status), answer.is_final


def _status_failed(
    state: flow_state.FlowState, error: errors.LoginByCallError
) -> tuple[int | None, bool]:
    if isinstance(error, errors.CallNotFound):
        return 0, True
    logger.warning(
        "call_status of call=%s failed: %s (request_id=%s)",
        short(state.login.call),
        error.kind,
        error.request_id or "-",
    )
    return None, False


def _desc(code: int | None) -> str:
    if code is None:
        return "unknown"
    from ..answers import CallStatus

    return "ended" if code == 0 else CallStatus(code).description


def _virtual_phone(login: Login) -> dict[str, Any] | None:
    """What the sandbox's phone shows: the caller's number once it rings."""
    sandbox = embedded_sandbox()
    if sandbox is None:
        return None
    call = sandbox.call(login.call)
    code = None if call is None else int(call.status)
    if call is None or code not in (DIALING, ANSWERED, NOT_ANSWERED):
        label = {8: gettext("Line busy"), 32: gettext("No call came through")}.get(
            code or 0, gettext("No call yet")
        )
        return {"state": "idle", "label": label, "head": "", "code": ""}
    ringing = code == DIALING
    return {
        "state": "ringing" if ringing else "missed",
        "label": gettext("Incoming call") if ringing else gettext("Missed call"),
        "head": "+" + call.mask[: len(call.mask) - call.codelen],
        "code": call.mask[len(call.mask) - call.codelen :],
    }


def status(
    request: HttpRequest,
    state: flow_state.FlowState | None = None,
    known: tuple[int | None, bool] | None = None,
) -> dict[str, Any]:
    """The login in progress as the code page and the API show it (``{}``: none); remembers a
    final status in the session. ``known``: the call's status already asked
    (:func:`acall_status`)."""
    if state is None:
        state = flow_state.load(request)
    if state is None:
        return {}
    login = state.login
    code, final = known if known is not None else call_status(state)
    if final and code is not None and state.final_status is None:
        state = state.but(final_status=code)
        flow_state.save(request, state)
    now = time.time()
    payload: dict[str, Any] = {
        "status": _desc(code),
        "code": code,
        "final": final,
        "message": status_message(code, login.codelen),
        "retry": final and code in RETRY_STATUSES,
        "expires_in": max(0, login.expires_at - int(now)),
        "repeat_in": max(0, math.ceil(login.started_at + login.repeat_timeout - now)),
        "prompt": login.prompt,
        "codelen": login.codelen,
        "attempts_left": login.attempts_left,
        "locked": state.locked or login.attempts_left == 0 or login.is_accepted,
        "expired": int(now) >= login.expires_at,
        "purpose": state.purpose,
    }
    phone = _virtual_phone(login)
    if phone is not None:
        payload["virtual_phone"] = phone
    return payload


async def astatus(
    request: HttpRequest, state: flow_state.FlowState | None = None
) -> dict[str, Any]:
    """:func:`status` for async views: the service asked through
    :class:`loginbycall.AsyncClient`, the session on Django's threads."""
    if state is None:
        state = await sync_to_async(flow_state.load)(request)
    if state is None:
        return {}
    known = await acall_status(state)
    return await sync_to_async(status)(request, state, known)


# Checking the code.


def _accept_key(call: str) -> str:
    return "loginbycall:accepted:" + hashlib.sha256(call.encode()).hexdigest()[:40]


def _digits_mac(call: str, digits: str) -> str:
    key = hashlib.sha256(("loginbycall.accept:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, f"{call}:{digits}".encode(), hashlib.sha256).hexdigest()


def check_code(request: HttpRequest, digits: str) -> Result:
    """Checks ``digits`` against the login in progress and, when right, logs in, adds the
    number or records the proof (:func:`accept`)."""
    state = flow_state.load(request)
    if state is None:
        return Result("no_login", 404, gettext("There is no call to check. Ask for a call."))
    login = state.login
    phone = e164(login.msisdn)
    digits = ascii_digits(digits).strip()
    if len(digits) != login.codelen or not (digits.isascii() and digits.isdigit()):
        return Result(
            "invalid",
            200,
            ngettext(
                "Type the last %(count)d digit of the number that called you.",
                "Type the last %(count)d digits of the number that called you.",
                login.codelen,
            )
            % {"count": login.codelen},
            state=state,
        )
    cache = caches[app_settings().cache]
    if login.is_accepted:
        # The right code was accepted but what it grants was not committed (a database error):
        # the same digits, in the same session, finish it.
        known = cache.get(_accept_key(login.call))
        if known is not None and hmac.compare_digest(str(known), _digits_mac(login.call, digits)):
            return accept(request, state, login)
        return _locked(request, state, phone, "the code was used")
    if state.locked or login.attempts_left == 0:
        return _locked(request, state, phone, "the login is locked")
    # Wrong digits across calls, per (number, client) and per number: a slot is taken before
    # the check (atomically, in the cache) and given back when no wrong digits were judged.
    client_key = _client_key(request, login.msisdn)
    limited = ratelimit.consume(request, "check_failed", key=client_key)
    if limited is None:
        limited = ratelimit.consume(request, "check_failed_number", key=login.msisdn)
        if limited is not None:
            ratelimit.refund(request, "check_failed", key=client_key)
    if limited is not None:
        _failed(request, phone, "rate_limited")
        return Result(
            "rate_limited",
            429,
            gettext("Too many wrong codes for this number. Try again in %(time)s.")
            % {"time": wait_text(limited.retry_after)},
            state=state,
            retry_after=limited.retry_after,
        )
    attempts_before = login.attempts
    verdict = login.check(digits)
    logger.info("check call=%s verdict=%s", short(login.call), verdict.name)
    if verdict.accepted or verdict.expired:
        ratelimit.refund(request, "check_failed", key=client_key)
        ratelimit.refund(request, "check_failed_number", key=login.msisdn)
    if verdict.accepted:
        ttl = max(1, login.expires_at - int(time.time()) + 60)
        cache.set(_accept_key(login.call), _digits_mac(login.call, digits), ttl)
        return accept(request, state, login)
    if verdict.expired:
        _failed(request, phone, "expired")
        return Result(
            "expired", 200, gettext("The code has expired. Ask for a new call."), state=state
        )
    if verdict.locked and (login.is_accepted or attempts_before >= login.max_attempts):
        return _locked(request, state, phone, "no attempt left")
    _failed(request, phone, "rejected")
    if verdict.locked:
        state = state.but(locked=True)
        flow_state.save(request, state)
        return Result(
            "locked",
            200,
            gettext("Wrong digits, and no attempt is left. Ask for a new call."),
            state=state,
            attempts_left=0,
        )
    return Result(
        "wrong",
        200,
        ngettext(
            "Wrong digits. %(count)d attempt left.",
            "Wrong digits. %(count)d attempts left.",
            verdict.attempts_left,
        )
        % {"count": verdict.attempts_left},
        state=state,
        attempts_left=verdict.attempts_left,
    )


def _locked(request: HttpRequest, state: flow_state.FlowState, phone: str, why: str) -> Result:
    logger.info("check refused: call=%s (%s)", short(state.login.call), why)
    if not state.locked:
        state = state.but(locked=True)
        flow_state.save(request, state)
    _failed(request, phone, "locked")
    return Result(
        "locked",
        200,
        gettext("No attempt is left for this call. Ask for a new call."),
        state=state,
        attempts_left=0,
    )


def accept(request: HttpRequest, state: flow_state.FlowState, login: Login) -> Result:
    """The right digits: log in (or add the number, or record the proof) in one database
    transaction, with the session when it is kept in the database. On a database error nothing
    is committed, the session is as before, and the same digits work again; SQLite's "database
    is locked" (concurrent sign-ups) is retried a few times first."""
    before = dict(request.session.items())
    after: list[Any] = []
    result = Result("db_failed")
    for attempt in range(5):
        after.clear()
        try:
            with transaction.atomic():
                if state.purpose == "login":
                    result = _log_in(request, state, login, after)
                elif state.purpose == "reauth":
                    result = _reauthenticated(request, state, login)
                else:
                    result = _add_number(request, state, login, after)
                if result.outcome == "accepted":
                    flow_state.clear(request)
                    if request.session.session_key:
                        # With a database session store, the login and the session commit
                        # together.
                        request.session.save()
            break
        except DatabaseError as error:
            _restore(request, before)
            locked = "locked" in str(error) and attempt < 4
            logger.error(
                "accepting call=%s failed in the database%s: %s",
                short(login.call),
                " (retried)" if locked else "",
                error,
            )
            if locked:
                time.sleep(0.05 * 2**attempt)
                continue
            return Result(
                "db_failed",
                503,
                gettext(
                    "We could not finish logging you in just now. Type the same digits again "
                    "in a moment."
                ),
                state=state,
            )
    for callback in after:
        callback()
    if result.outcome == "accepted":
        try:
            login.hangup(get_client())
        except errors.LoginByCallError as error:
            logger.debug("hangup of call=%s: %s", short(login.call), error.kind)
    return result


def _restore(request: HttpRequest, before: dict[str, Any]) -> None:
    """The session's data as before a step that failed (a login in it undone)."""
    from django.contrib.auth.models import AnonymousUser

    request.session.clear()
    request.session.update(before)
    if "_auth_user_id" not in before and hasattr(request, "user"):
        request.user = AnonymousUser()


def _log_in(
    request: HttpRequest, state: flow_state.FlowState, login: Login, after: list[Any]
) -> Result:
    from django.contrib.auth import authenticate

    phone = e164(login.msisdn)
    user = authenticate(request, loginbycall_call=login.call)
    if user is None:
        unknown = getattr(request, "loginbycall_unknown_number", False)
        reason = "unknown_number" if unknown else "inactive"
        flow_state.clear(request)
        _failed(request, phone, reason)
        logger.info("verified %s but logged no one in: %s", masked(phone), reason)
        if unknown:
            if app_settings().other_login_url:
                text = gettext(
                    "The number %(phone)s is not linked to any account. Log in another way "
                    "and add it to your account."
                )
            else:
                text = gettext("The number %(phone)s is not linked to any account.")
            return Result("unknown_number", 200, text % {"phone": phone})
        return Result("inactive", 403, gettext("This account cannot log in."))
    created = bool(getattr(request, "loginbycall_created", False))
    auth_login(request, user)  # rotates the session key
    request.session[PROVED_KEY] = time.time()
    logger.info(
        "login by call=%s: user %s%s", short(login.call), user.pk, " (signed up)" if created else ""
    )
    after.append(
        lambda: signals.login_succeeded.send(
            sender=Result, request=request, user=user, phone=phone, created=created
        )
    )
    adapter = get_adapter(request)
    next_url = state.next_url or adapter.get_login_redirect_url(request)
    return Result("accepted", user=user, created=created, next_url=next_url)


def _same_user(request: HttpRequest, state: flow_state.FlowState) -> Any:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or str(user.pk) != state.user_pk:
        return None
    return user


def _reauthenticated(request: HttpRequest, state: flow_state.FlowState, login: Login) -> Result:
    user = _same_user(request, state)
    phone = e164(login.msisdn)
    if user is None or not PhoneNumber.objects.filter(user=user, number=phone).exists():
        flow_state.clear(request)
        return Result("proof_needed", 403, gettext("Confirm it is you first."))
    request.session[PROVED_KEY] = time.time()
    next_url = state.next_url or get_adapter(request).get_numbers_url(request)
    return Result("accepted", user=user, next_url=next_url)


def _add_number(
    request: HttpRequest, state: flow_state.FlowState, login: Login, after: list[Any]
) -> Result:
    user = _same_user(request, state)
    phone = e164(login.msisdn)
    adapter = get_adapter(request)
    if user is None:
        flow_state.clear(request)
        return Result("proof_needed", 403, gettext("Log in first."))
    owner = PhoneNumber.objects.filter(number=phone).first()
    if owner is not None and owner.user_id != user.pk:
        flow_state.clear(request)
        return Result("taken", 409, gettext("This number is linked to another account."))
    PhoneNumber.objects.update_or_create(
        number=phone, defaults={"user": user, "verified_at": timezone.now()}
    )
    removed = None
    if state.replaces and state.replaces != phone:
        removed = PhoneNumber.objects.filter(user=user, number=state.replaces).first()
        if removed is not None:
            removed.delete()
    logger.info("number %s added to user %s", masked(phone), user.pk)

    def tell() -> None:
        signals.number_added.send(sender=Result, request=request, user=user, phone=phone)
        adapter.send_number_mail(request, user, phone, "added")
        adapter.add_message(
            request,
            messages.SUCCESS,
            gettext("The number %(phone)s was added.") % {"phone": phone},
        )
        if removed is not None:
            _removed(request, user, removed.number)

    after.append(tell)
    next_url = state.next_url or adapter.get_numbers_url(request)
    return Result("accepted", user=user, next_url=next_url)


# Numbers of the account.


def numbers_of(user: Any) -> list[PhoneNumber]:
    """The account's numbers, oldest first."""
    return list(PhoneNumber.objects.filter(user=user).order_by("verified_at", "number"))


def fresh_proof_left(request: HttpRequest) -> int:
    """Seconds the last proof of the account (a login, a call to one of its numbers, its
    password) still lets its numbers change; 0: a proof is needed."""
    proved = request.session.get(PROVED_KEY)
    if not isinstance(proved, (int, float)):
        return 0
    return max(0, math.ceil(proved + app_settings().reauthentication_timeout - time.time()))


def record_login(request: HttpRequest) -> None:
    """A login by any means (the password form, another backend) is a fresh proof."""
    request.session[PROVED_KEY] = time.time()


def prove_with_password(request: HttpRequest, password: str) -> Result:
    """The account's password as the proof for changing its numbers."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return Result("proof_needed", 403, gettext("Log in first."))
    limited = ratelimit.consume(request, "reauthenticate")
    if limited is not None:
        return _limited_result(limited.retry_after)
    if not get_adapter(request).has_password(user) or not user.check_password(password):
        return Result("wrong", 400, gettext("Wrong password."))
    ratelimit.refund(request, "reauthenticate")
    record_login(request)
    return Result("accepted", user=user)


def remove_number(request: HttpRequest, number: str) -> Result:
    """Removes ``number`` (E.164) from the logged-in account, with a fresh proof; the last
    number of an account without a password stays (it is the only way in)."""
    user = getattr(request, "user", None)
    adapter = get_adapter(request)
    if user is None or not user.is_authenticated:
        return Result("proof_needed", 403, gettext("Log in first."))
    if fresh_proof_left(request) <= 0:
        return Result("proof_needed", 403, gettext("Confirm it is you first."))
    limited = ratelimit.consume(request, "numbers")
    if limited is not None:
        return _limited_result(limited.retry_after)
    found = PhoneNumber.objects.filter(user=user, number=number).first()
    if found is None:
        return Result("not_found", 404, gettext("This number is not linked to your account."))
    others = PhoneNumber.objects.filter(user=user).exclude(pk=found.pk).exists()
    if not others and not adapter.has_password(user):
        return Result(
            "last_number",
            409,
            gettext("This is the only way into your account: add another number first."),
        )
    found.delete()
    _removed(request, user, number)
    return Result("removed", user=user, next_url=adapter.get_numbers_url(request))


def _removed(request: HttpRequest, user: Any, number: str) -> None:
    adapter = get_adapter(request)
    logger.info("number %s removed from user %s", masked(number), user.pk)
    signals.number_removed.send(sender=Result, request=request, user=user, phone=number)
    adapter.send_number_mail(request, user, number, "removed")
    adapter.add_message(
        request, messages.INFO, gettext("The number %(phone)s was removed.") % {"phone": number}
    )
