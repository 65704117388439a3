"""The installed package: the app's files are in the wheel, migrations match the models,
the admin works."""

from __future__ import annotations

import io
from pathlib import Path

import loginbycall.django
import pytest
from conftest import REPO
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from loginbycall.django.models import PhoneNumber


def test_the_suite_runs_against_the_installed_package() -> None:
    installed = Path(loginbycall.django.__file__).resolve()
    source = REPO / "bindings" / "python" / "python"
    assert source not in installed.parents, f"imported the source tree: {installed}"
    assert "site-packages" in installed.parts


@pytest.mark.parametrize(
    "path",
    [
        "templates/loginbycall/phone.html",
        "templates/loginbycall/code.html",
        "templates/loginbycall/base.html",
        "static/loginbycall/loginbycall.js",
        "static/loginbycall/loginbycall.css",
        "locale/ru/LC_MESSAGES/django.po",
        "locale/ru/LC_MESSAGES/django.mo",
        "migrations/0001_initial.py",
    ],
)
def test_the_wheel_ships_the_app_s_files(path: str) -> None:
    assert (Path(loginbycall.django.__file__).parent / path).is_file()


@pytest.mark.django_db
def test_the_migrations_match_the_models() -> None:
    out = io.StringIO()
    call_command("makemigrations", "loginbycall", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db
def test_the_admin_lists_and_searches_numbers(client: Client) -> None:
    admin = get_user_model().objects.create_superuser(username="root", password="pw")
    PhoneNumber.objects.create(user=admin, number="+79256880636", verified_at=timezone.now())
    client.force_login(admin)
    page = client.get("/admin/loginbycall/phonenumber/?q=688")
    assert page.status_code == 200
    assert "+79256880636" in page.content.decode()
    assert client.get("/admin/loginbycall/phonenumber/add/").status_code == 200
