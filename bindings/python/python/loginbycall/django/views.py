"""The pages: phone → call → code page (live status) → digits → logged in; the numbers page.

Each view reads its form, calls one function of :mod:`.flows` and shows its :class:`~.flows.Result`
(:func:`show`). Every view is ``never_cache`` and ``csrf_protect``ed (its POSTs need the token
even where the site's middleware list lacks ``CsrfViewMiddleware``); the code view hides
``digits`` from error reports (``sensitive_post_parameters``). The templates are
``loginbycall/phone.html``, ``loginbycall/code.html`` and ``loginbycall/numbers.html`` (all extend
``loginbycall/base.html``): a site overrides them in its own template directory, or subclasses a
view and sets ``template_name``.
"""

from __future__ import annotations

import logging
from typing import Any, TypeVar

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, resolve_url
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.decorators import method_decorator
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from loginbycall import errors

from . import flows, ratelimit
from . import state as flow_state
from .client import get_client
from .conf import app_settings
from .flows import Result, safe_next
from .forms import CodeForm, PhoneForm

__all__ = [
    "AddNumberView",
    "AgainView",
    "CodeView",
    "NumbersView",
    "PhoneView",
    "StatusView",
    "other_login_url",
]

logger = logging.getLogger("loginbycall")

_SERVER_STATUS_KEY = "loginbycall:server-status"
#: Outcomes after which the phone page says to log in another way.
_ANOTHER_WAY = ("unavailable", "no_credit")
#: Outcomes of a right code that logged no one in: the phone page says why.
_TO_PHONE_PAGE = ("unknown_number", "inactive", "taken", "proof_needed", "no_login")


def other_login_url() -> str | None:
    """Where "log in another way" leads (``OTHER_LOGIN_URL``: a URL or a URL name)."""
    target = app_settings().other_login_url
    if not target:
        return None
    try:
        return str(resolve_url(target))
    except NoReverseMatch:
        return str(target)


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
    """The service's ``server_status``, trusted for ``SERVER_STATUS_CACHE_SECONDS``; an error
    asking counts as working (the call itself will tell)."""
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
        logger.warning("server_status failed: %s (request_id=%s)", error.kind, error.request_id)
        return True
    cache.set(_SERVER_STATUS_KEY, working, conf.server_status_cache_seconds)
    if not working:
        logger.warning("server_status is 0: calls are not placed; offering another way")
    return working


def refused_session(request: HttpRequest) -> HttpResponse | None:
    """A clear error when the session lives in a cookie (the signed-cookie engine): the views
    never put a login's state there. ``manage.py check`` says so too, but gunicorn runs none."""
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
    """What the pages share: the session check, rendering with the common context."""

    #: ``login`` or ``add``: the purpose of the phone page.
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

    def phone_page(
        self,
        request: HttpRequest,
        purpose: str,
        form: Form | None = None,
        result: Result | None = None,
    ) -> HttpResponse:
        """The phone page (its form, and what ``result`` says)."""
        context: dict[str, Any] = {
            "form": form or form_class("phone", PhoneForm)(),
            "form_action": phone_url(purpose, getattr(self, "replaces", lambda r: None)(request)),
            "purpose": purpose,
            "unavailable": False,
        }
        if result is not None:
            context.update(outcome=result.outcome, countdown=result.retry_after or 0)
            if result.outcome in _ANOTHER_WAY:
                context["unavailable"] = True
                context["unavailable_text"] = result.message
            elif result.outcome in ("may_ring",) or result.outcome in _TO_PHONE_PAGE:
                context["notice"] = result.message
            else:
                context["error"] = result.message
        elif request.method == "GET":
            context["unavailable"] = not server_is_working()
        return self.render(
            request, PhoneView.template_name, context, result.http_status if result else 200
        )

    def code_page(
        self,
        request: HttpRequest,
        state: flow_state.FlowState,
        result: Result | None = None,
        form: Form | None = None,
    ) -> HttpResponse:
        """The code page of ``state``, with what ``result`` says (one alert)."""
        status = flows.status(request, state)
        login_state = flow_state.load(request) or state
        context: dict[str, Any] = {
            "form": form or form_class("code", CodeForm)(codelen=status["codelen"]),
            "status": status,
            "prompt": status["prompt"],
            "codelen": status["codelen"],
            "blanks": "_" * status["codelen"],
            "virtual_phone": status.get("virtual_phone"),
            "attempts_left": status["attempts_left"],
            "locked": status["locked"] or login_state.locked,
            "expired": status["expired"],
            "purpose": state.purpose,
            "phone_url": phone_url("add" if state.purpose == "add" else "login"),
            "countdown": status["repeat_in"],
        }
        if result is not None:
            notice = result.outcome in ("ringing_already", "repeat", "may_ring")
            context["notice" if notice else "error"] = result.message
            context["outcome"] = result.outcome
            if result.retry_after:
                context["countdown"] = result.retry_after
        return self.render(
            request, CodeView.template_name, context, result.http_status if result else 200
        )


def phone_url(purpose: str, replaces: str | None = None) -> str:
    """The phone page for ``purpose`` (``login`` or ``add``, changing ``replaces``)."""
    if purpose != "add":
        return reverse("loginbycall:phone")
    url = reverse("loginbycall:add")
    return url + ("?replaces=" + replaces.replace("+", "%2B") if replaces else "")


def after_start(
    view: _Page, request: HttpRequest, result: Result, purpose: str, form: Form | None = None
) -> HttpResponse:
    """Where a started call leads: its code page, or the phone page saying why not."""
    if result.state is not None:
        return redirect("loginbycall:code")
    return view.phone_page(request, purpose, form, result)


@method_decorator([never_cache, csrf_protect], name="dispatch")
class PhoneView(_Page):
    """``loginbycall:phone``: the number form (field ``phone``); ``?next=`` where to go after."""

    template_name = "loginbycall/phone.html"

    def form(self, request: HttpRequest, data: Any = None, **kwargs: Any) -> Form:
        return form_class("phone", PhoneForm)(data, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        next_url = safe_next(request, request.GET.get(REDIRECT_FIELD_NAME))
        form = self.form(request, initial={"next": next_url or ""})
        return self.phone_page(request, self.purpose, form)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.form(request, request.POST)
        if not form.is_valid():
            return self.phone_page(request, self.purpose, form)
        next_url = safe_next(request, form.cleaned_data.get("next"))
        replaces = getattr(self, "replaces", lambda r: None)(request)
        phone = str(form.cleaned_data["phone"])
        result = flows.start_call(request, phone, self.purpose, next_url, replaces=replaces)
        return after_start(self, request, result, self.purpose, form)


@method_decorator([never_cache, csrf_protect], name="dispatch")
class AddNumberView(PhoneView):
    """``loginbycall:add`` (``?replaces=+7...`` to change a number): a logged-in user with a
    fresh proof adds a number by the same call flow."""

    purpose = "add"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect(reverse("loginbycall:phone") + "?next=" + request.path)
        if flows.fresh_proof_left(request) <= 0:
            return redirect("loginbycall:numbers")
        return super().dispatch(request, *args, **kwargs)

    def replaces(self, request: HttpRequest) -> str | None:
        number = request.GET.get("replaces")
        mine = {n.number for n in flows.numbers_of(request.user)}
        return number if number in mine else None


@method_decorator(never_cache, name="dispatch")
class StatusView(View):
    """``loginbycall:status``: ``{"status", "final", "message", ...}`` of the session's call;
    the code page's script polls it with backoff and stops at ``final``."""

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
        return JsonResponse(flows.status(request, state))


@method_decorator(
    # The digits are marked sensitive first, so that even a refused request hides them.
    [sensitive_post_parameters("digits"), never_cache, csrf_protect],
    name="dispatch",
)
class CodeView(_Page):
    """``loginbycall:code``: *Waiting for a call from +7925688____* and the ``digits`` box."""

    template_name = "loginbycall/code.html"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        state = flow_state.load(request)
        if state is None:
            return redirect("loginbycall:phone")
        return self.code_page(request, state)

    def post(self, request: HttpRequest) -> HttpResponse:
        state = flow_state.load(request)
        if state is None:
            return redirect("loginbycall:phone")
        form = form_class("code", CodeForm)(request.POST, codelen=state.login.codelen)
        if not form.is_valid():
            return self.code_page(request, state, form=form)
        result = flows.check_code(request, str(form.cleaned_data["digits"]))
        if result.outcome == "accepted":
            return HttpResponseRedirect(result.next_url or "/")
        if result.outcome in _TO_PHONE_PAGE:
            purpose = "add" if state.purpose == "add" else "login"
            return self.phone_page(request, purpose, result=result)
        # Wrong digits are not shown again: the box is empty.
        return self.code_page(request, result.state or state, result)


@method_decorator([never_cache, csrf_protect], name="dispatch")
class AgainView(_Page):
    """``loginbycall:again`` (POST): a new call to the same number."""

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return redirect("loginbycall:code")

    def post(self, request: HttpRequest) -> HttpResponse:
        state = flow_state.load(request)
        if state is None:
            return redirect("loginbycall:phone")
        result = flows.call_again(request)
        if result.outcome == "ringing_already" and result.state is not None:
            return self.code_page(request, result.state, result)
        if result.state is not None:
            return redirect("loginbycall:code")
        if result.outcome in _ANOTHER_WAY or result.outcome == "proof_needed":
            flow_state.clear(request)
            purpose = "add" if state.purpose == "add" else "login"
            return self.phone_page(request, purpose, result=result)
        return self.code_page(request, state, result)


@method_decorator(
    [sensitive_post_parameters("password"), never_cache, csrf_protect], name="dispatch"
)
class NumbersView(_Page):
    """``loginbycall:numbers``: the account's numbers; adding, changing or removing one needs a
    fresh proof (a call to one of them, or the password) within ``REAUTHENTICATION_TIMEOUT``.

    POST ``action``: ``prove`` (``number``: call it), ``password`` (``password``), ``remove``
    (``number``)."""

    template_name = "loginbycall/numbers.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect(reverse("loginbycall:phone") + "?next=" + request.path)
        return super().dispatch(request, *args, **kwargs)

    def page(self, request: HttpRequest, result: Result | None = None) -> HttpResponse:
        from .adapter import get_adapter

        context = {
            "numbers": flows.numbers_of(request.user),
            "proof_left": flows.fresh_proof_left(request),
            "has_password": get_adapter(request).has_password(request.user),
            "error": result.message if result and not result.ok else "",
            "countdown": (result.retry_after or 0) if result else 0,
        }
        status = result.http_status if result and not result.ok else 200
        return self.render(request, self.template_name, context, status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        action = request.POST.get("action")
        number = str(request.POST.get("number", ""))
        if action == "password":
            result = flows.prove_with_password(request, str(request.POST.get("password", "")))
        elif action == "prove" and number in {n.number for n in flows.numbers_of(request.user)}:
            result = flows.start_call(request, number.lstrip("+"), "reauth", request.path)
            if result.state is not None:
                return redirect("loginbycall:code")
        elif action == "remove":
            result = flows.remove_number(request, number)
        else:
            result = Result("invalid", 400, gettext("Choose a number."))
        if result.ok:
            return redirect("loginbycall:numbers")
        return self.page(request, result)
