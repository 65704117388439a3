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
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.module_loading import import_string

from . import state as flow_state
from .conf import app_settings
from .models import PhoneNumber, e164

__all__ = ["PhoneCallBackend"]


class PhoneCallBackend(BaseBackend):
    """Logs in the owner of a phone number that answered this app's call with the right digits.

    A verified number no account has: with ``SIGNUP`` on, a user is made by the ``CREATE_USER``
    hook and the number is linked to it (``request.loginbycall_created`` is then True);
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
        found = PhoneNumber.objects.select_related("user").filter(number=phone).first()
        if found is None:
            if not app_settings().signup:
                request.loginbycall_unknown_number = True  # type: ignore[attr-defined]
                return None
            found = self._sign_up(request, phone)
            request.loginbycall_created = True  # type: ignore[attr-defined]
        user = found.user
        return user if self.user_can_authenticate(user) else None

    def _sign_up(self, request: HttpRequest, phone: str) -> PhoneNumber:
        create_user = import_string(app_settings().create_user)
        try:
            with transaction.atomic():
                user = create_user(request, phone)
                return PhoneNumber.objects.create(
                    user=user, number=phone, verified_at=timezone.now()
                )
        except IntegrityError:
            # Another request signed this number up at the same moment: that account wins.
            return PhoneNumber.objects.select_related("user").get(number=phone)

    def user_can_authenticate(self, user: Any) -> bool:
        """Inactive users are refused, as by Django's ``ModelBackend``."""
        return bool(getattr(user, "is_active", True))

    def get_user(self, user_id: Any) -> Any:
        model: Any = get_user_model()
        try:
            user = model._default_manager.get(pk=user_id)
        except (model.DoesNotExist, ValueError, TypeError):
            return None
        return user if self.user_can_authenticate(user) else None
