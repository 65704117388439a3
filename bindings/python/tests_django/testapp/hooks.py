"""A site's own signup hook and phone form, as ``LOGINBYCALL`` names them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from loginbycall.django.forms import PhoneForm


def create_user(request: HttpRequest, phone: str) -> Any:
    return get_user_model().objects.create_user(username="caller-" + phone[-4:])


class NotedPhoneForm(PhoneForm):
    note = forms.CharField(required=False)
