"""The default ``CREATE_USER`` hook: a user for a verified number no account has.

A site replaces it with ``LOGINBYCALL["CREATE_USER"] = "myapp.accounts.create_user"``: a
callable ``(request, phone) -> user`` (``phone`` is E.164, ``+79256880636``) that saves and
returns the new user. The app then links the number to it. This default suits
``django.contrib.auth``'s ``User`` and custom models whose only required field is the
``USERNAME_FIELD``: it uses the number as the user name and sets an unusable password.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest

__all__ = ["create_user"]


def create_user(request: HttpRequest, phone: str) -> Any:
    """A new active user named after ``phone``, with an unusable password."""
    model: Any = get_user_model()
    field = model.USERNAME_FIELD
    name = phone
    suffix = 1
    while model._default_manager.filter(**{field: name}).exists():
        suffix += 1
        name = f"{phone}-{suffix}"
    user = model(**{field: name})
    user.set_unusable_password()
    user.save()
    return user
