"""The adapter: what a site changes about the flow, in one class.

``LOGINBYCALL["ADAPTER"] = "myapp.adapter.MyAdapter"``, a subclass of :class:`DefaultAdapter`;
:func:`get_adapter` returns an instance. The flows (:mod:`loginbycall.django.flows`) ask it who
owns a number, whether sign-up is open, how to make a user, where to go after, how to tell the
user something and how to tell the account that a number was added or removed.

The old dotted-path settings still work for one release (``manage.py check`` warns, W003):
``CREATE_USER`` is called by :meth:`DefaultAdapter.create_user` when set.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.module_loading import import_string

from . import signup
from .conf import app_settings
from .models import PhoneNumber

__all__ = ["DefaultAdapter", "get_adapter"]

logger = logging.getLogger("loginbycall")


class DefaultAdapter:
    """The default behaviour; override single methods in a subclass."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        self.request = request

    # Users and numbers.

    def get_user_by_phone(self, phone: str) -> Any:
        """The user whose verified number is ``phone`` (E.164, ``+79256880636``), or ``None``."""
        found = PhoneNumber.objects.select_related("user").filter(number=phone).first()
        return None if found is None else found.user

    def is_open_for_signup(self, request: HttpRequest, phone: str) -> bool:
        """Whether a verified number no account has makes a new user (``SIGNUP``)."""
        return app_settings().signup

    def create_user(self, request: HttpRequest, phone: str) -> Any:
        """A new, saved user for ``phone``. Default: the old ``CREATE_USER`` hook when set, else
        a user named after the number with an unusable password."""
        path = app_settings().create_user
        if path:
            return import_string(path)(request, phone)
        return signup.create_user(request, phone)

    def sign_up(self, request: HttpRequest, phone: str) -> tuple[Any, bool]:
        """``(user, created)``: the user :meth:`create_user` made, linked to ``phone`` in one
        transaction. A concurrent sign-up of the same number wins (its user is returned, not
        created)."""
        from django.db import IntegrityError

        try:
            with transaction.atomic():
                user = self.create_user(request, phone)
                PhoneNumber.objects.create(user=user, number=phone, verified_at=timezone.now())
                return user, True
        except IntegrityError:
            owner = self.get_user_by_phone(phone)
            if owner is None:
                raise
            return owner, False

    def can_log_in(self, user: Any) -> bool:
        """Whether ``user`` may log in (inactive users may not)."""
        return bool(getattr(user, "is_active", True))

    def has_password(self, user: Any) -> bool:
        """Whether a password can prove ``user``'s identity for changing numbers."""
        return bool(getattr(user, "has_usable_password", lambda: False)())

    # Where to go.

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """After a login with no ``next``: ``LOGIN_REDIRECT_URL`` when the site set it, else
        ``/`` (Django's default ``/accounts/profile/`` is a page few sites have)."""
        target = getattr(settings, "LOGIN_REDIRECT_URL", "/")
        if target == "/accounts/profile/" and not _resolves(target):
            target = "/"
        return str(resolve_url(target))

    def get_numbers_url(self, request: HttpRequest) -> str:
        """Where adding or removing a number ends: the numbers page."""
        return str(resolve_url("loginbycall:numbers"))

    # Telling.

    def add_message(self, request: HttpRequest, level: int, text: str) -> None:
        """Shows ``text`` on the next page when ``django.contrib.messages`` is installed."""
        if getattr(request, "_messages", None) is not None:
            messages.add_message(request, level, text, fail_silently=True)

    def send_number_mail(self, request: HttpRequest, user: Any, phone: str, action: str) -> None:
        """The hook for an e-mail to the account when ``action`` (``added``, ``removed``) happened
        to ``phone``. Default: nothing (the signals ``number_added`` and ``number_removed`` are
        sent in any case)."""


def _resolves(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except (Resolver404, NoReverseMatch):
        return False
    return True


def get_adapter(request: HttpRequest | None = None) -> DefaultAdapter:
    """The site's adapter (``ADAPTER``), else :class:`DefaultAdapter`."""
    path = app_settings().adapter
    cls: type[DefaultAdapter] = import_string(path) if path else DefaultAdapter
    return cls(request)
