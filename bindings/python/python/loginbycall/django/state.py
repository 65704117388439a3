"""The login in progress, kept in the server-side session only (it holds the code).

``manage.py check`` refuses the signed-cookie session engine, which would send the state, and
with it the code, to the browser.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from django.http import HttpRequest

from loginbycall import Login
from loginbycall.errors import LoginByCallError

__all__ = ["SESSION_KEY", "FlowState", "clear", "load", "save"]

#: The session key of the state.
SESSION_KEY = "_loginbycall"

PURPOSES = ("login", "add")


@dataclass(frozen=True)
class FlowState:
    """One login (or adding a number) in progress."""

    #: ``Login.to_json()``: lbc-core's state, the code included.
    login_json: str
    #: ``login`` (log in or sign up) or ``add`` (add the number to the logged-in user).
    purpose: str = "login"
    #: Where to go after success (already checked to be safe).
    next_url: str | None = None
    #: For ``add``: the user who asked, as ``str(pk)``.
    user_pk: str | None = None
    #: The call's final status once seen (the service is not asked again after it).
    final_status: int | None = None
    #: No more checks: attempts used up or the code already used.
    locked: bool = False

    @property
    def login(self) -> Login:
        """The login, restored from its JSON."""
        return Login.from_json(self.login_json)

    def with_login(self, login: Login) -> FlowState:
        """The same state holding ``login``'s new JSON."""
        return replace(self, login_json=login.to_json())

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
        state.login  # noqa: B018 (refuses a state lbc-core cannot read)
    except (TypeError, ValueError, LoginByCallError):
        return None
    if state.purpose not in PURPOSES:
        return None
    return state


def save(request: HttpRequest, state: FlowState) -> None:
    """Stores ``state`` in the session."""
    request.session[SESSION_KEY] = asdict(state)


def clear(request: HttpRequest) -> None:
    """Removes the state from the session."""
    request.session.pop(SESSION_KEY, None)
