"""The flow: phone page → call → code page (live status) → digits → logged in.

Every view is ``never_cache`` and ``csrf_protect``ed (its POSTs need the token even where the
site's middleware list lacks ``CsrfViewMiddleware``); the code view hides ``digits`` from error
reports (``sensitive_post_parameters``). The templates are ``loginbycall/phone.html`` and
``loginbycall/code.html`` (both extend ``loginbycall/base.html``): a site overrides them in its
own template directory, or subclasses a view and sets ``template_name``.
"""

from __future__ import annotations

import logging
import math
import time
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import login as auth_login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, resolve_url
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.utils.translation import gettext, ngettext
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from loginbycall import Login, errors

from . import ratelimit, signals
from . import state as flow_state
from .client import embedded_sandbox, get_client
from .conf import app_settings
from .forms import CodeForm, PhoneForm
from .ip import client_ip
from .models import PhoneNumber, e164
from .texts import ANSWERED, DIALING, NOT_ANSWERED, RETRY_STATUSES, status_message, wait_text

__all__ = ["AddNumberView", "AgainView", "CodeView", "PhoneView", "StatusView"]

logger = logging.getLogger("loginbycall")

_SERVER_STATUS_KEY = "loginbycall:server-status"


def masked(msisdn: str) -> str:
    """A number as the logs show it: ``+7925*****36``."""
    digits = msisdn.lstrip("+")
    return "+" + digits[:4] + "*" * max(0, len(digits) - 6) + digits[-2:]


def short(call_id: str) -> str:
    """The start of a call id, enough to find it in the service's records."""
    return call_id[:12]


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


def other_login_url() -> str | None:
    """Where "log in another way" leads (``OTHER_LOGIN_URL``: a URL or a URL name)."""
    target = app_settings().other_login_url
    if not target:
        return None
    try:
        return str(resolve_url(target))
    except NoReverseMatch:
        return target


_F = TypeVar("_F", bound=Form)


def form_class(name: str, default: type[_F]) -> type[_F]:
    """The site's form class for ``name`` (``FORMS``; a subclass of ``default``), else
    ``default``."""
    path = app_settings().forms.get(name)
    if not path:
        return default
    found: type[_F] = import_string(path)
    return found


def server_is_working() -> bool:
    """The service's ``server_status``, trusted for ``SERVER_STATUS_CACHE_SECONDS``.

    An error asking counts as working: the call itself will tell.
    """
    conf = app_settings()
    if conf.server_status_cache_seconds <= 0:
        return True
    from django.core.cache import caches

    cache = caches[conf.cache]
    known = cache.get(_SERVER_STATUS_KEY)
    if known is not None:
        return bool(known)
    try:
        working = get_client().server_status().is_working
    except errors.LoginByCallError as error:
        logger.warning(
            "server_status failed: %s (request_id=%s)", error.kind, error.request_id or "-"
        )
        return True
    cache.set(_SERVER_STATUS_KEY, working, conf.server_status_cache_seconds)
    if not working:
        logger.warning("server_status is 0: calls are not placed; offering another way")
    return working


def refused_session(request: HttpRequest) -> HttpResponse | None:
    """A clear error when the session lives in a cookie (the signed-cookie engine): the views
    never put a login's state there. ``manage.py check`` says so too, but gunicorn runs no
    checks."""
    if not flow_state.cookie_sessions(request):
        return None
    logger.error(
        "refusing to run: SESSION_ENGINE is signed cookies, which would send the login state to "
        "the browser; use a server-side session engine (db, cache or cached_db)"
    )
    return HttpResponse(
        gettext(
            "Login by phone call is unavailable on this site: its sessions are kept in "
            "cookies. Please log in another way."
        ),
        status=503,
        content_type="text/plain; charset=utf-8",
    )


def store_failed(error: errors.LoginByCallError) -> HttpResponse:
    """The store that counts attempts (the cache, SQLite, Redis) failed: nothing was judged."""
    logger.error("the login store failed: %s", error)
    return HttpResponse(
        gettext("We could not check the code just now. Please try again in a minute."),
        status=503,
        content_type="text/plain; charset=utf-8",
    )


class _Page(View):
    """What the pages share: rendering with the common context, the next URL, the signals."""

    #: ``login`` or ``add``.
    purpose = "login"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        refused = refused_session(request)
        if refused is not None:
            return refused
        try:
            return super().dispatch(request, *args, **kwargs)
        except errors.StoreError as error:
            return store_failed(error)

    def render(
        self, request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
    ) -> HttpResponse:
        base = {
            "purpose": self.purpose,
            "other_login_url": other_login_url(),
            "sandbox": app_settings().sandbox,
        }
        return TemplateResponse(request, template, {**base, **context}, status=status)

    def done_url(self, state: flow_state.FlowState | None) -> str:
        if state is not None and state.next_url:
            return state.next_url
        return str(resolve_url(settings.LOGIN_REDIRECT_URL))

    def phone_url(self, purpose: str) -> str:
        return reverse("loginbycall:add" if purpose == "add" else "loginbycall:phone")


def start_call(
    request: HttpRequest, phone: str, purpose: str, next_url: str | None
) -> tuple[flow_state.FlowState | None, dict[str, Any], int]:
    """Places a call to ``phone`` and stores the new login in the session.

    Returns the new state, or ``None`` with what the page shows instead (``error``,
    ``countdown``, ``unavailable``) and its HTTP status.
    """
    ip = client_ip(request) or None
    try:
        login = get_client().start_login(phone, ip_address=ip)
    except errors.GuardRefused as error:
        return None, *guard_refused(request, phone, error)
    except errors.CallRepeatTimeout as error:
        countdown = math.ceil(error.delay or 0)
        logger.info(
            "call to %s: repeat timeout %ss (request_id=%s)",
            masked(phone),
            countdown,
            error.request_id or "-",
        )
        return (
            None,
            {
                "error": gettext("A call to this number was placed a moment ago."),
                "countdown": countdown,
            },
            200,
        )
    except errors.CallRejected as error:
        logger.warning(
            "call to %s rejected by the service (request_id=%s)",
            masked(phone),
            error.request_id or "-",
        )
        return None, {"unavailable": True}, 200
    except errors.InvalidInput:
        return None, {"error": gettext("Enter a valid phone number, e.g. +7 925 688-06-36.")}, 200
    except errors.LoginByCallError as error:
        logger.error(
            "call to %s failed: %s %s (request_id=%s, may_have_been_placed=%s)",
            masked(phone),
            error.kind,
            getattr(error, "code", ""),
            error.request_id or "-",
            error.may_have_been_placed,
        )
        return (
            None,
            {
                "error": gettext(
                    "We could not place the call. Please try again in a minute, or log in "
                    "another way."
                )
            },
            503,
        )
    user = getattr(request, "user", None)
    state = flow_state.FlowState(
        login_json=login.to_json(),
        purpose=purpose,
        next_url=next_url,
        user_pk=str(user.pk) if purpose == "add" and user is not None else None,
    )
    flow_state.save(request, state)
    logger.info("call placed: call=%s to %s (%s)", short(login.call), masked(phone), purpose)
    return state, {}, 200


#: Guard reasons that are about this number or this visitor: waiting helps them.
_RATE_REASONS = ("number_rate", "ip_rate", "range_rate")


def guard_refused(
    request: HttpRequest, phone: str, error: errors.GuardRefused
) -> tuple[dict[str, Any], int]:
    """What the phone page shows when lbc-core's guard refused the call (nothing was sent), and
    the signals: ``login_failed`` (reason ``rate_limited`` or ``refused``) and ``call_refused``
    (the guard's reason and retry_after; ``brake``: calls there are paused)."""
    log = logger.error if error.reason in ("brake", "spend", "global_rate") else logger.warning
    log(
        "call to %s refused by the guard: %s (retry after %s s)",
        masked(phone),
        error.reason,
        "-" if error.retry_after is None else math.ceil(error.retry_after),
    )
    signals.call_refused.send(
        sender=PhoneView,
        request=request,
        phone=e164(phone),
        reason=error.reason,
        retry_after=error.retry_after,
    )
    rate = error.reason in _RATE_REASONS
    signals.login_failed.send(
        sender=PhoneView,
        request=request,
        phone=e164(phone),
        reason="rate_limited" if rate else "refused",
    )
    if rate and error.retry_after is not None:
        message = gettext("Too many calls. Try again in %(time)s.") % {
            "time": wait_text(math.ceil(error.retry_after))
        }
        return {"error": message}, 429
    if error.reason in ("number_type", "country"):
        return {"error": gettext("Calls to this number are not possible. Log in another way.")}, 200
    return {"unavailable": True}, 200


@method_decorator([never_cache, csrf_protect], name="dispatch")
class PhoneView(_Page):
    """``loginbycall:phone``: the number form (field ``phone``); ``?next=`` where to go after."""

    template_name = "loginbycall/phone.html"

    def form(self, request: HttpRequest, data: Any = None, **kwargs: Any) -> Form:
        return form_class("phone", PhoneForm)(data, **kwargs)

    def page(
        self,
        request: HttpRequest,
        form: Form,
        status: int = 200,
        **context: Any,
    ) -> HttpResponse:
        context.setdefault("unavailable", False)
        if not context["unavailable"] and request.method == "GET":
            context["unavailable"] = not server_is_working()
        return self.render(
            request,
            self.template_name,
            {"form": form, "form_action": request.path, **context},
            status,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        next_url = safe_next(request, request.GET.get(REDIRECT_FIELD_NAME))
        return self.page(request, self.form(request, initial={"next": next_url or ""}))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.form(request, request.POST)
        if not form.is_valid():
            return self.page(request, form)
        phone = str(form.cleaned_data["phone"])
        next_url = safe_next(request, form.cleaned_data.get("next"))
        state, context, status = start_call(request, phone, self.purpose, next_url)
        if state is None:
            return self.page(request, form, status, **context)
        return redirect("loginbycall:code")


class AddNumberView(LoginRequiredMixin, PhoneView):
    """``loginbycall:add``: a logged-in user adds a number by the same call flow."""

    purpose = "add"


def _call_status(login: Login, state: flow_state.FlowState) -> tuple[int | None, bool]:
    """The call's status and whether it is final; the service is not asked after a final one."""
    if state.final_status is not None:
        return state.final_status, True
    try:
        answer = get_client().call_status(login.call)
    except errors.CallNotFound:
        return 0, True
    except errors.LoginByCallError as error:
        logger.warning(
            "call_status of call=%s failed: %s (request_id=%s)",
            short(login.call),
            error.kind,
            error.request_id or "-",
        )
        return None, False
    return int(answer.status), answer.is_final


def _virtual_phone(login: Login) -> dict[str, Any] | None:
    """What the sandbox's phone shows: the caller's number once it rings."""
    sandbox = embedded_sandbox()
    if sandbox is None:
        return None
    call = sandbox.call(login.call)
    status = None if call is None else int(call.status)
    if call is None or status not in (DIALING, ANSWERED, NOT_ANSWERED):
        label = {8: gettext("Line busy"), 32: gettext("No call came through")}.get(
            status or 0, gettext("No call yet")
        )
        return {"state": "idle", "label": label, "head": "", "code": ""}
    ringing = status == DIALING
    return {
        "state": "ringing" if ringing else "missed",
        "label": gettext("Incoming call") if ringing else gettext("Missed call"),
        "head": "+" + call.mask[: len(call.mask) - call.codelen],
        "code": call.mask[len(call.mask) - call.codelen :],
    }


def status_payload(login: Login, state: flow_state.FlowState) -> tuple[dict[str, Any], int | None]:
    """The status as the page and ``loginbycall:status`` show it."""
    code, final = _call_status(login, state)
    payload: dict[str, Any] = {
        "status": _desc(code),
        "code": code,
        "final": final,
        "message": status_message(code, login.codelen),
        "retry": final and code in RETRY_STATUSES,
        "expires_in": max(0, login.expires_at - int(time.time())),
    }
    phone = _virtual_phone(login)
    if phone is not None:
        payload["virtual_phone"] = phone
    return payload, code if final else None


def _desc(code: int | None) -> str:
    if code is None:
        return "unknown"
    from ..answers import CallStatus

    return "ended" if code == 0 else CallStatus(code).description


@method_decorator(never_cache, name="dispatch")
class StatusView(View):
    """``loginbycall:status``: ``{"status", "final", "message", ...}`` of the session's call.

    The code page's script polls it with backoff and stops at ``final``.
    """

    def get(self, request: HttpRequest) -> HttpResponse:
        refused = refused_session(request)
        if refused is not None:
            return refused
        try:
            state = flow_state.load(request)
        except errors.StoreError as error:
            return store_failed(error)
        if state is None:
            return JsonResponse({"status": "none", "final": True, "message": ""}, status=404)
        limited = ratelimit.consume(request, "status")
        if limited is not None:
            response = JsonResponse(
                {"status": "rate_limited", "final": False, "retry_after": limited.retry_after},
                status=429,
            )
            response["Retry-After"] = str(limited.retry_after)
            return response
        login = state.login
        payload, final_code = status_payload(login, state)
        if final_code is not None and state.final_status is None:
            flow_state.save(request, state.but(final_status=final_code))
        return JsonResponse(payload)


@method_decorator(
    # The digits are marked sensitive first, so that even a refused request hides them.
    [sensitive_post_parameters("digits"), never_cache, csrf_protect],
    name="dispatch",
)
class CodeView(_Page):
    """``loginbycall:code``: *Waiting for a call from +7925688____* and the ``digits`` box."""

    template_name = "loginbycall/code.html"

    def form(self, request: HttpRequest, login: Login, data: Any = None) -> Form:
        return form_class("code", CodeForm)(data, codelen=login.codelen)

    def page(
        self,
        request: HttpRequest,
        state: flow_state.FlowState,
        form: Form | None = None,
        status: int = 200,
        **context: Any,
    ) -> HttpResponse:
        login = state.login
        payload, final_code = status_payload(login, state)
        if final_code is not None and state.final_status is None:
            state = state.but(final_status=final_code)
            flow_state.save(request, state)
        now = int(time.time())
        expired = now >= login.expires_at
        left = login.attempts_left
        locked = state.locked or left == 0 or login.is_accepted
        context.setdefault(
            "countdown", max(0, math.ceil(login.started_at + login.repeat_timeout - time.time()))
        )
        return self.render(
            request,
            self.template_name,
            {
                "form": form or self.form(request, login),
                "prompt": login.prompt,
                "codelen": login.codelen,
                "blanks": "_" * login.codelen,
                "status": payload,
                "virtual_phone": payload.get("virtual_phone"),
                "attempts_left": left,
                "locked": locked,
                "expired": expired,
                "purpose": state.purpose,
                "phone_url": self.phone_url(state.purpose),
                **context,
            },
            status,
        )

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        state = flow_state.load(request)
        if state is None:
            return redirect("loginbycall:phone")
        return self.page(request, state)

    def post(self, request: HttpRequest) -> HttpResponse:
        state = flow_state.load(request)
        if state is None:
            return redirect("loginbycall:phone")
        login = state.login
        phone = e164(login.msisdn)
        form = self.form(request, login, request.POST)
        if not form.is_valid():
            return self.page(request, state, form)
        if state.locked:
            return self._locked(request, state, form, phone, "the login is locked")
        # Wrong digits across calls, per number: a slot is taken before the check (atomically,
        # in the cache), so concurrent guesses cannot pass the limit, and given back when the
        # check judged no wrong digits (accepted, expired).
        limited = ratelimit.consume(request, "check_failed", key=login.msisdn)
        if limited is not None:
            self._failed(request, phone, "rate_limited")
            message = gettext("Too many wrong codes for this number. Try again in %(time)s.") % {
                "time": wait_text(limited.retry_after)
            }
            return self.page(request, state, form, 429, error=message)
        # lbc-core counts the check in the store, judges at most max_attempts per call however
        # many workers race, and accepts the code once: the session needs no writing back.
        attempts_before = login.attempts
        verdict = login.check(str(form.cleaned_data["digits"]))
        logger.info("check call=%s verdict=%s", short(login.call), verdict.name)
        if verdict.accepted:
            ratelimit.refund(request, "check_failed", key=login.msisdn)
            return self.accepted(request, state, login)
        if verdict.expired:
            ratelimit.refund(request, "check_failed", key=login.msisdn)
            self._failed(request, phone, "expired")
            return self.page(
                request,
                state,
                form,
                error=gettext("The code has expired. Ask for a new call."),
            )
        if verdict.locked and (login.is_accepted or attempts_before >= login.max_attempts):
            # No attempt was left, or the code was used.
            return self._locked(request, state, form, phone, "no attempt left")
        self._failed(request, phone, "rejected")
        if verdict.locked:
            # These wrong digits used the last attempt (as far as this request saw the store).
            state = state.but(locked=True)
            flow_state.save(request, state)
            message = gettext("Wrong digits, and no attempt is left. Ask for a new call.")
            return self.page(request, state, form, error=message)
        message = ngettext(
            "Wrong digits. %(count)d attempt left.",
            "Wrong digits. %(count)d attempts left.",
            verdict.attempts_left,
        ) % {"count": verdict.attempts_left}
        return self.page(request, state, form, error=message)

    def phone_page(self, request: HttpRequest, purpose: str, **context: Any) -> HttpResponse:
        """The phone page's template with ``context`` (a notice, an error, "unavailable")."""
        return self.render(
            request,
            PhoneView.template_name,
            {
                "form": form_class("phone", PhoneForm)(),
                "form_action": self.phone_url(purpose),
                "purpose": purpose,
                **context,
            },
        )

    def _failed(self, request: HttpRequest, phone: str, reason: str) -> None:
        signals.login_failed.send(sender=type(self), request=request, phone=phone, reason=reason)

    def _locked(
        self,
        request: HttpRequest,
        state: flow_state.FlowState,
        form: Form,
        phone: str,
        why: str = "no attempt left",
    ) -> HttpResponse:
        logger.info("check refused: call=%s (%s)", short(state.login.call), why)
        state = state.but(locked=True)
        flow_state.save(request, state)
        self._failed(request, phone, "locked")
        return self.page(
            request,
            state,
            form,
            error=gettext("No attempt is left for this call. Ask for a new call."),
        )

    def accepted(
        self, request: HttpRequest, state: flow_state.FlowState, login: Login
    ) -> HttpResponse:
        """The right digits: log in (or add the number), hang up, go to ``next``."""
        phone = e164(login.msisdn)
        try:
            login.hangup(get_client())
        except errors.LoginByCallError as error:
            # Usually the call has ended already (CALL_NOT_FOUND): nothing to hang up.
            logger.debug(
                "hangup of call=%s: %s (request_id=%s)",
                short(login.call),
                error.kind,
                error.request_id or "-",
            )
        if state.purpose == "add":
            return self._add(request, state, phone)
        from django.contrib.auth import authenticate

        user = authenticate(request, loginbycall_call=login.call)
        if user is None:
            flow_state.clear(request)
            unknown = getattr(request, "loginbycall_unknown_number", False)
            reason = "unknown_number" if unknown else "inactive"
            self._failed(request, phone, reason)
            logger.info("verified %s but logged no one in: %s", masked(phone), reason)
            notice = (
                gettext(
                    "The number %(phone)s is not linked to any account. Log in another way "
                    "and add it to your account."
                )
                % {"phone": phone}
                if unknown
                else gettext("This account cannot log in.")
            )
            return self.phone_page(request, "login", notice=notice)
        created = bool(getattr(request, "loginbycall_created", False))
        auth_login(request, user)  # rotates the session key
        flow_state.clear(request)
        logger.info(
            "login by call=%s: user %s%s",
            short(login.call),
            user.pk,
            " (signed up)" if created else "",
        )
        signals.login_succeeded.send(
            sender=type(self), request=request, user=user, phone=phone, created=created
        )
        return HttpResponseRedirect(self.done_url(state))

    def _add(self, request: HttpRequest, state: flow_state.FlowState, phone: str) -> HttpResponse:
        flow_state.clear(request)
        user = request.user
        if not user.is_authenticated or str(user.pk) != state.user_pk:
            return redirect("loginbycall:add")
        owner = PhoneNumber.objects.filter(number=phone).first()
        if owner is not None and owner.user_id != user.pk:
            return self.phone_page(
                request, "add", error=gettext("This number is linked to another account.")
            )
        PhoneNumber.objects.update_or_create(
            number=phone, defaults={"user": user, "verified_at": timezone.now()}
        )
        logger.info("number %s added to user %s", masked(phone), user.pk)
        signals.number_added.send(sender=type(self), request=request, user=user, phone=phone)
        return HttpResponseRedirect(self.done_url(state))


class AgainView(CodeView):
    """``loginbycall:again`` (POST): a new call to the same number."""

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return redirect("loginbycall:code")

    def post(self, request: HttpRequest) -> HttpResponse:
        state = flow_state.load(request)
        if state is None:
            return redirect("loginbycall:phone")
        login = state.login
        new_state, context, status = start_call(
            request, login.msisdn, state.purpose, state.next_url
        )
        if new_state is not None:
            return redirect("loginbycall:code")
        if context.get("unavailable"):
            flow_state.clear(request)
            return self.phone_page(request, state.purpose, **context)
        response = self.page(request, state, status=status, **context)
        return response
