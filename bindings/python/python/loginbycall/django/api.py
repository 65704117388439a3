"""The JSON API for single-page apps and mobile apps, no DRF needed.

Two clients, as django-allauth's headless API has them, at ``api/browser/`` and ``api/app/``
under the app's URLs:

- ``browser``: the Django session cookie, and CSRF on every POST and DELETE (the
  ``X-CSRFToken`` header; a GET of ``session`` sets the ``csrftoken`` cookie);
- ``app``: no cookies and no CSRF; the session is named by the ``X-Session-Token`` header. The
  first answer that makes a session returns its token in ``meta.session_token``; the token
  changes when the user logs in, so an app keeps the token of the latest answer.

Endpoints (JSON bodies, ``Content-Type: application/json``):

``POST call`` ``{"phone", "next"?}``, ``GET call`` (its status), ``POST call/again``,
``POST code`` ``{"digits"}``, ``GET session``, ``DELETE session`` (log out),
``GET numbers``, ``POST numbers`` ``{"phone", "replaces"?}`` (a call to the new number; its code
then goes to ``POST code``), ``DELETE numbers`` ``{"number"}``, ``POST reauthenticate``
``{"password"}`` or ``{"number"}`` (a call to one of the account's numbers).

Every answer is ``{"status": HTTP status, "data": {...}, "meta": {...}}``; an error is
``{"status": ..., "errors": [{"code": outcome, "message": ...}], "meta": {...}}``, ``code`` being
one of :data:`loginbycall.django.flows.OUTCOMES`. The same limits and guard as the pages apply:
they are the same flows.
"""

from __future__ import annotations

import inspect
import json
from importlib import import_module
from typing import Any, Awaitable, Callable, Optional, Union, cast

import django
from asgiref.sync import async_to_sync, sync_to_async

from django.conf import settings
from django.contrib.auth import get_user, logout
from django.http import HttpRequest, JsonResponse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect, ensure_csrf_cookie

from loginbycall import errors

from . import flows, ratelimit
from . import state as flow_state
from .adapter import get_adapter
from .flows import Result
from .texts import wait_text

__all__ = ["TOKEN_HEADER", "endpoint"]

#: The header that carries an app's session token.
TOKEN_HEADER = "X-Session-Token"

#: What a handler returns: the flow's result (``None``: plain success) and the answer's data.
Answer = tuple[Optional[Result], dict[str, Any]]
SyncHandler = Callable[[HttpRequest, dict[str, Any]], Answer]
AsyncHandler = Callable[[HttpRequest, dict[str, Any]], Awaitable[Answer]]
Handler = Union[SyncHandler, AsyncHandler]

#: Whether the views are async: Django 5.0 made the view decorators wrap async views.
ASYNC_VIEWS = django.VERSION >= (5, 0)


def _user(request: HttpRequest) -> dict[str, Any] | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return {"id": str(user.pk), "display": str(user)}


def _answer(
    request: HttpRequest, client: str, result: Result | None, data: dict[str, Any]
) -> JsonResponse:
    status = result.http_status if result is not None and not result.ok else 200
    if result is not None and result.outcome == "invalid":
        status = 400
    meta: dict[str, Any] = {"is_authenticated": _user(request) is not None}
    if client == "app" and request.session.session_key:
        meta["session_token"] = request.session.session_key
    body: dict[str, Any] = {"status": status, "meta": meta}
    if result is not None and not result.ok:
        error: dict[str, Any] = {"code": result.outcome, "message": result.message}
        if result.retry_after:
            error["retry_after"] = result.retry_after
        if result.attempts_left is not None:
            error["attempts_left"] = result.attempts_left
        body["errors"] = [error]
        if data:
            body["data"] = data
    else:
        body["data"] = data
    response = JsonResponse(body, status=status)
    if result is not None and result.retry_after and status in (429, 503):
        response["Retry-After"] = str(result.retry_after)
    return response


def _body(request: HttpRequest) -> dict[str, Any] | None:
    if request.method == "GET":
        return {}
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _not_allowed(handlers: dict[str, Handler]) -> JsonResponse:
    answer = JsonResponse({"status": 405, "errors": [{"code": "method"}]}, status=405)
    answer["Allow"] = ", ".join(handlers)
    return answer


def _open(request: HttpRequest, client: str) -> JsonResponse | None:
    """An app's session from its token; the answer when the request cannot go on."""
    if client == "app":
        token = request.headers.get(TOKEN_HEADER)
        store = import_module(settings.SESSION_ENGINE).SessionStore
        if token and not store().exists(token):
            return JsonResponse(
                {
                    "status": 401,
                    "errors": [
                        {
                            "code": "invalid_session_token",
                            "message": gettext("The session has ended. Start again."),
                        }
                    ],
                    "meta": {"is_authenticated": False},
                },
                status=401,
            )
        request.session = store(token)
        request.user = SimpleLazyObject(lambda: get_user(request))  # type: ignore[assignment]
    if flow_state.cookie_sessions(request):
        return JsonResponse({"status": 503, "errors": [{"code": "unavailable"}]}, status=503)
    return None


def _invalid_body() -> JsonResponse:
    return JsonResponse(
        {"status": 400, "errors": [{"code": "invalid", "message": "JSON object"}]}, status=400
    )


def _store_failed() -> Answer:
    return Result("store_failed", 503, gettext("Please try again in a minute.")), {}


def _close(request: HttpRequest, client: str, answer: Answer) -> JsonResponse:
    """Saves an app's session and makes the JSON answer."""
    result, data = answer
    if client == "app" and (request.session.modified or not request.session.is_empty()):
        request.session.save()
    return _answer(request, client, result, data)


def _restore(request: HttpRequest, client: str, original: Any) -> None:
    if client == "app":
        # No cookie for an app: not the session's, nor the CSRF one login() rotates.
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False
        if original is not None:
            request.session = original


def endpoint(handlers: dict[str, Handler], client: str) -> Callable[..., Any]:
    """A view answering ``handlers[request.method]`` for ``client`` (``browser`` or ``app``).

    On Django 5.0 and later the view is async: the handlers that wait for the service (placing a
    call, its status) are coroutines on :class:`loginbycall.AsyncClient`, so under ASGI no thread
    waits for the service; the others run on Django's threads (``sync_to_async``). On Django
    4.2, whose view decorators do not wrap async views, it is a sync view that runs the
    coroutines with ``async_to_sync``."""

    def view(request: HttpRequest) -> JsonResponse:
        handler = handlers.get(request.method or "")
        if handler is None:
            return _not_allowed(handlers)
        original = getattr(request, "session", None)
        try:
            refused = _open(request, client)
            if refused is not None:
                return refused
            body = _body(request)
            if body is None:
                return _invalid_body()
            try:
                if inspect.iscoroutinefunction(handler):
                    answer = async_to_sync(handler)(request, body)
                else:
                    answer = cast(SyncHandler, handler)(request, body)
            except errors.StoreError:
                answer = _store_failed()
            return _close(request, client, answer)
        finally:
            _restore(request, client, original)

    async def async_view(request: HttpRequest) -> JsonResponse:
        handler = handlers.get(request.method or "")
        if handler is None:
            return _not_allowed(handlers)
        if not inspect.iscoroutinefunction(handler):
            return await sync_to_async(view)(request)
        original = getattr(request, "session", None)
        try:
            refused = await sync_to_async(_open)(request, client)
            if refused is not None:
                return refused
            body = _body(request)
            if body is None:
                return _invalid_body()
            try:
                answer = await cast(AsyncHandler, handler)(request, body)
            except errors.StoreError:
                answer = _store_failed()
            return await sync_to_async(_close)(request, client, answer)
        finally:
            _restore(request, client, original)

    chosen: Callable[..., Any] = never_cache(async_view if ASYNC_VIEWS else view)
    if client == "app":
        return csrf_exempt(chosen)
    return ensure_csrf_cookie(csrf_protect(chosen))


# The handlers: (request, body) -> (result or None, data).


def _call_data(request: HttpRequest, result: Result | None = None) -> dict[str, Any]:
    data = flows.status(request, result.state if result is not None else None)
    return {"call": data} if data else {}


async def _acall_data(request: HttpRequest, result: Result | None = None) -> dict[str, Any]:
    data = await flows.astatus(request, result.state if result is not None else None)
    return {"call": data} if data else {}


def _invalid_phone() -> Result:
    from .forms import EXAMPLE

    message = gettext("Enter a valid phone number, e.g. %(example)s.") % {"example": EXAMPLE}
    return Result("invalid", 400, message)


async def start(request: HttpRequest, body: dict[str, Any]) -> Answer:
    phone = flows.parse_phone(str(body.get("phone", "")))
    if phone is None:
        return _invalid_phone(), {}
    next_url = flows.safe_next(request, body.get("next"))
    result = await flows.astart_call(request, phone, "login", next_url)
    return result, (await _acall_data(request, result) if result.state is not None else {})


def _status_limited(request: HttpRequest) -> Result | None:
    limited = ratelimit.consume(request, "status")  # the code page's polls' limit
    if limited is None:
        return None
    message = gettext("Too many attempts. Try again in %(time)s.") % {
        "time": wait_text(limited.retry_after)
    }
    return Result("rate_limited", 429, message, retry_after=limited.retry_after)


async def call_status(request: HttpRequest, body: dict[str, Any]) -> Answer:
    limited = await sync_to_async(_status_limited)(request)
    if limited is not None:
        return limited, {}
    data = await _acall_data(request)
    if not data:
        return Result("no_login", 404, gettext("There is no call in progress.")), {}
    return None, data


async def again(request: HttpRequest, body: dict[str, Any]) -> Answer:
    result = await flows.acall_again(request)
    return result, (await _acall_data(request, result) if result.state is not None else {})


def code(request: HttpRequest, body: dict[str, Any]) -> Answer:
    result = flows.check_code(request, str(body.get("digits", "")))
    if result.outcome == "accepted":
        return result, {"user": _user(request), "next": result.next_url, "created": result.created}
    data = _call_data(request) if result.state is not None else {}
    return result, data


def session(request: HttpRequest, body: dict[str, Any]) -> Answer:
    return None, {"user": _user(request)}


def log_out(request: HttpRequest, body: dict[str, Any]) -> Answer:
    logout(request)
    return None, {"user": None}


def _numbers_data(request: HttpRequest) -> dict[str, Any]:
    return {
        "numbers": [
            {"number": n.number, "verified_at": n.verified_at.isoformat()}
            for n in flows.numbers_of(request.user)
        ],
        "proof_left": flows.fresh_proof_left(request),
        "has_password": get_adapter(request).has_password(request.user),
    }


def _logged_in(request: HttpRequest) -> Result | None:
    if not request.user.is_authenticated:
        return Result("proof_needed", 401, gettext("Log in first."))
    return None


def numbers(request: HttpRequest, body: dict[str, Any]) -> Answer:
    refused = _logged_in(request)
    if refused is not None:
        return refused, {}
    return None, _numbers_data(request)


def add_number(request: HttpRequest, body: dict[str, Any]) -> Answer:
    refused = _logged_in(request)
    if refused is not None:
        return refused, {}
    phone = flows.parse_phone(str(body.get("phone", "")))
    if phone is None:
        return _invalid_phone(), {}
    mine = {n.number for n in flows.numbers_of(request.user)}
    replaces = body.get("replaces") if body.get("replaces") in mine else None
    result = flows.start_call(request, phone, "add", None, replaces=replaces)
    return result, (_call_data(request, result) if result.state is not None else {})


def remove_number(request: HttpRequest, body: dict[str, Any]) -> Answer:
    refused = _logged_in(request)
    if refused is not None:
        return refused, {}
    result = flows.remove_number(request, str(body.get("number", "")))
    return result, _numbers_data(request)


def reauthenticate(request: HttpRequest, body: dict[str, Any]) -> Answer:
    refused = _logged_in(request)
    if refused is not None:
        return refused, {}
    if "password" in body:
        result = flows.prove_with_password(request, str(body["password"]))
        return result, _numbers_data(request)
    number = str(body.get("number", ""))
    if number not in {n.number for n in flows.numbers_of(request.user)}:
        return Result("not_found", 404, gettext("This number is not linked to your account.")), {}
    result = flows.start_call(request, number.lstrip("+"), "reauth", None)
    return result, (_call_data(request, result) if result.state is not None else {})


#: Each endpoint's handlers by HTTP method.
ENDPOINTS: dict[str, dict[str, Handler]] = {
    "call": {"POST": start, "GET": call_status},
    "call/again": {"POST": again},
    "code": {"POST": code},
    "session": {"GET": session, "DELETE": log_out},
    "numbers": {"GET": numbers, "POST": add_number, "DELETE": remove_number},
    "reauthenticate": {"POST": reauthenticate},
}
