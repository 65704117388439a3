"""A site's adapter: it counts the mails it would send, and can fail the database once."""

from __future__ import annotations

from typing import Any

from django.db import OperationalError
from django.http import HttpRequest
from loginbycall.django.adapter import DefaultAdapter


class RecordingAdapter(DefaultAdapter):
    #: ``(phone, action)`` of every mail the site would send.
    mails: list[tuple[str, str]] = []
    #: How many of the next user look-ups fail as a locked database would.
    failures = 0

    def get_user_by_phone(self, phone: str) -> Any:
        if RecordingAdapter.failures > 0:
            RecordingAdapter.failures -= 1
            raise OperationalError("disk I/O error (the test's)")
        return super().get_user_by_phone(phone)

    def send_number_mail(self, request: HttpRequest, user: Any, phone: str, action: str) -> None:
        RecordingAdapter.mails.append((phone, action))
