"""The login in progress, kept in the server-side session: lbc-core's sealed state only.

The sealed state (``Login.to_json()``) holds neither the code nor the mask and any change to it is
refused; the attempts and accept-once live in the store, so the state is written once, when the
call is placed, and never needs writing back after a check. Still, it belongs on the server:
``manage.py check`` refuses the signed-cookie session engine, and :func:`save` refuses it at run
time too (gunicorn runs no checks).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from loginbycall import Login
from loginbycall.errors import InvalidInput

__all__ = [
    "SESSION_KEY",
    "SIGNED_COOKIES",
    "FlowState",
    "clear",
    "cookie_sessions",
    "load",
    "save",
]

#: The session engine that keeps sessions in the browser's cookie.
SIGNED_COOKIES = "django.contrib.sessions.backends.signed_cookies"


def cookie_sessions(request: HttpRequest) -> bool:
    """Whether this request's session lives in a cookie (the signed-cookie engine)."""
    session = getattr(request, "session", None)
    if session is not None and type(session).__module__ == SIGNED_COOKIES:
        return True
    return str(getattr(settings, "SESSION_ENGINE", "")) == SIGNED_COOKIES

#: The session key of the state.
SESSION_KEY = "_loginbycall"

PURPOSES = ("login", "add", "reauth")


@dataclass(frozen=True)
class FlowState:
    """One login (or adding a number) in progress."""

    #: ``Login.to_json()``: lbc-core's sealed state (no code in it).
    login_json: str
    #: ``login`` (log in or sign up), ``add`` (add the number to the logged-in user) or
    #: ``reauth`` (prove the account with one of its numbers).
    purpose: str = "login"
    #: Where to go after success (already checked to be safe).
    next_url: str | None = None
    #: For ``add``: the user who asked, as ``str(pk)``.
    user_pk: str | None = None
    #: The call's final status once seen (the service is not asked again after it).
    final_status: int | None = None
    #: No more checks: attempts used up or the code already used.
    locked: bool = False
    #: For ``add``: the number (E.164) the new one replaces (changing a number).
    replaces: str | None = None

    @property
    def login(self) -> Login:
        """The login, resumed by the app's client (attempts read from the store)."""
        from .client import get_client

        return get_client().resume_login(self.login_json)

    def but(self, **changes: Any) -> FlowState:
        """A copy with ``changes``."""
        return replace(self, **changes)


def load(request: HttpRequest) -> FlowState | None:
    """The state in the session, or ``None`` (none, or not one this version wrote)."""
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    try:
        state = FlowState(**data)
        state.login  # noqa: B018 (refuses a state lbc-core cannot read or that was changed)
    except (TypeError, ValueError, InvalidInput):
        return None
    if state.purpose not in PURPOSES:
        return None
    return state


def save(request: HttpRequest, state: FlowState) -> None:
    """Stores ``state`` in the session; refuses (``ImproperlyConfigured``) a session kept in a
    cookie."""
    if cookie_sessions(request):
        raise ImproperlyConfigured(
            "loginbycall.django refuses signed-cookie sessions: the login state stays on the server"
        )
    request.session[SESSION_KEY] = asdict(state)


def clear(request: HttpRequest) -> None:
    """Removes the state from the session."""
    request.session.pop(SESSION_KEY, None)
