"""The installed package: the app's files are in the wheel, migrations match the models,
the admin works."""

from __future__ import annotations

import io
import os
import subprocess
import sys
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


def test_a_request_imports_none_of_the_apps_modules_for_the_first_time() -> None:
    """Every module of the app a request reaches is loaded with the URLconf, in the process that
    serves: under gunicorn --threads, two requests importing one module for the first time at
    once got "cannot import name ... from partially initialized module" (a 500 on sign-up, seen
    on Python 3.9). A fresh interpreter, so that this suite's own imports do not hide it."""
    script = (
        "import sys, django; django.setup()\n"
        "from django.conf import settings; from importlib import import_module\n"
        "import_module(settings.ROOT_URLCONF)\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('loginbycall.django.'))))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "lbc_test_settings"},
        cwd=Path(__file__).parent,
    ).stdout.split()
    for module in ("adapter", "signup", "flows", "forms", "client", "state", "backends", "views"):
        assert f"loginbycall.django.{module}" in loaded, (module, loaded)
