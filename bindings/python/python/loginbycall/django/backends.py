"""``PhoneCallBackend``: authenticates the login whose call this app placed and whose digits
lbc-core accepted, as the session holds it.

The views call ``authenticate(request, loginbycall_call=CALL_ID)`` after a check was accepted;
the backend believes nothing the request says: it reads the login from the server-side session
and authenticates only when that login is for this call and was accepted. Other login forms'
credentials (``username``, ``password``) do not fit its signature, so Django skips it for them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend
from django.http import HttpRequest

from . import state as flow_state
from .adapter import get_adapter
from .models import e164

__all__ = ["PhoneCallBackend"]


class PhoneCallBackend(BaseBackend):
    """Logs in the owner of a phone number that answered this app's call with the right digits.

    A verified number no account has: with ``SIGNUP`` on, a user is made by the ``CREATE_USER``
    hook (the adapter's ``create_user``) and the number is linked to it
    (``request.loginbycall_created`` is then True);
    otherwise no one is authenticated (``request.loginbycall_unknown_number`` is True).
    """

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, *, loginbycall_call: str | None = None
    ) -> Any:
        if request is None or not loginbycall_call:
            return None
        state = flow_state.load(request)
        if state is None or state.purpose != "login":
            return None
        login = state.login
        if login.call != loginbycall_call or not login.is_accepted:
            return None
        phone = e164(login.msisdn)
        adapter = get_adapter(request)
        user = adapter.get_user_by_phone(phone)
        if user is None:
            if not adapter.is_open_for_signup(request, phone):
                request.loginbycall_unknown_number = True  # type: ignore[attr-defined]
                return None
            user, created = adapter.sign_up(request, phone)
            request.loginbycall_created = created  # type: ignore[attr-defined]
        return user if self.user_can_authenticate(user) else None

    def user_can_authenticate(self, user: Any) -> bool:
        """Inactive users are refused, as by Django's ``ModelBackend`` (the adapter's
        ``can_log_in``)."""
        return get_adapter().can_log_in(user)

    def get_user(self, user_id: Any) -> Any:
        model: Any = get_user_model()
        try:
            user = model._default_manager.get(pk=user_id)
        except (model.DoesNotExist, ValueError, TypeError):
            return None
        return user if self.user_can_authenticate(user) else None
