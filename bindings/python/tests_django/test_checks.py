"""``manage.py check``: what the app refuses and what it warns about."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings
from loginbycall.django.checks import check_settings

GOOD = {"CALL_API_ID": "id", "API_KEY": "key"}
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
    }
}


def ids(**settings: Any) -> list[str]:
    with override_settings(**settings):
        return sorted(message.id or "" for message in check_settings())


def check_settings_with(**settings: Any) -> list[Any]:
    with override_settings(**settings):
        return list(check_settings())


def test_good_settings_pass() -> None:
    assert ids(LOGINBYCALL={**GOOD, "SINGLE_PROCESS": True}, DEBUG=True) == []
    assert ids(LOGINBYCALL=GOOD, CACHES=REDIS) == []
    assert ids(LOGINBYCALL={**GOOD, "STORE": "sqlite://"}, CACHES=LOCMEM) == []
    assert ids(LOGINBYCALL={**GOOD, "STORE": "redis://127.0.0.1:6379/0"}, CACHES=LOCMEM) == []
    assert ids(LOGINBYCALL={**GOOD, "GUARD": None}, CACHES=REDIS) == []


def test_missing_settings_are_an_error() -> None:
    from django.conf import settings

    with override_settings():
        del settings.LOGINBYCALL
        assert [m.id for m in check_settings()] == ["loginbycall.E001"]
    assert ids(LOGINBYCALL="id:key") == ["loginbycall.E001"]
    assert ids(LOGINBYCALL={"CALL_API_ID": "id"}, CACHES=REDIS) == ["loginbycall.E002"]
    assert ids(LOGINBYCALL={}, CACHES=REDIS) == ["loginbycall.E002"]


def test_credentials_come_from_the_environment_when_the_settings_do_not_name_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.conf import settings
    from loginbycall._native import CLIENT_ENVIRONMENT
    from loginbycall.django.client import get_client
    from loginbycall.django.conf import ENVIRONMENT, app_settings

    # The variables Client.from_env reads, under the settings' names.
    assert ENVIRONMENT == {k.upper(): v for k, v in CLIENT_ENVIRONMENT.items()}

    monkeypatch.setenv("LOGINBYCALL_CALL_API_ID", "env-id")
    monkeypatch.setenv("LOGINBYCALL_API_KEY", "env-key")
    monkeypatch.setenv("LOGINBYCALL_BASE_URL", "http://127.0.0.1:9/api/")
    assert ids(LOGINBYCALL={}, CACHES=REDIS) == []
    with override_settings(CACHES=REDIS):
        del settings.LOGINBYCALL
        assert [m.id for m in check_settings()] == []
        assert app_settings().call_api_id == "env-id"
    with override_settings(LOGINBYCALL={"SINGLE_PROCESS": True}):
        conf = app_settings()
        assert (conf.call_api_id, conf.api_key) == ("env-id", "env-key")
        client = get_client()
        assert client.call_api_id == "env-id"
        assert client.base_url == "http://127.0.0.1:9/api/"
    # What the settings name wins over the environment.
    with override_settings(LOGINBYCALL={**GOOD, "SINGLE_PROCESS": True}):
        assert app_settings().call_api_id == "id"
        assert get_client().call_api_id == "id"
    monkeypatch.delenv("LOGINBYCALL_API_KEY")
    assert ids(LOGINBYCALL={}, CACHES=REDIS) == ["loginbycall.E002"]


def test_the_sandbox_needs_debug() -> None:
    # The embedded sandbox lives in one process: a per-process cache is then fine.
    assert ids(LOGINBYCALL={"SANDBOX": True}, DEBUG=True) == []
    assert ids(LOGINBYCALL={"SANDBOX": True}, DEBUG=False, CACHES=REDIS) == ["loginbycall.E003"]


def test_signed_cookie_sessions_are_an_error() -> None:
    found = ids(
        LOGINBYCALL=GOOD,
        CACHES=REDIS,
        SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies",
    )
    assert found == ["loginbycall.E004"]


def test_manage_py_check_fails_with_signed_cookies() -> None:
    with override_settings(
        LOGINBYCALL=GOOD, SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies"
    ):
        with pytest.raises(SystemCheckError, match="signed cookies"):
            call_command("check")


def test_manage_py_check_fails_without_the_settings() -> None:
    from django.conf import settings

    with override_settings():
        del settings.LOGINBYCALL
        with pytest.raises(SystemCheckError, match="LOGINBYCALL setting is missing"):
            call_command("check")


def test_a_cache_that_cannot_count_is_an_error_or_a_warning() -> None:
    dummy = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert ids(LOGINBYCALL=GOOD, CACHES=dummy) == ["loginbycall.E005"]
    database = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "t"}
    }
    assert ids(LOGINBYCALL=GOOD, CACHES=database) == ["loginbycall.W002"]
    assert ids(LOGINBYCALL={**GOOD, "STORE": "sqlite://"}, CACHES=database) == []


def test_a_per_process_cache_is_refused_unless_a_store_or_one_process_is_named() -> None:
    # Whether several workers run cannot be known (gunicorn runs no checks), DEBUG or not.
    for debug in (False, True):
        assert ids(LOGINBYCALL=GOOD, CACHES=LOCMEM, DEBUG=debug) == ["loginbycall.E013"]
        assert ids(LOGINBYCALL={**GOOD, "SINGLE_PROCESS": True}, CACHES=LOCMEM, DEBUG=debug) == []
        assert ids(LOGINBYCALL={**GOOD, "STORE": "sqlite://"}, CACHES=LOCMEM, DEBUG=debug) == []
    assert ids(LOGINBYCALL={**GOOD, "STORE": "memory:"}, CACHES=REDIS) == ["loginbycall.E012"]
    assert ids(
        LOGINBYCALL={**GOOD, "STORE": "memory:", "SINGLE_PROCESS": True}, CACHES=REDIS
    ) == []
    for bad in ("postgres://u:hunter2@h/db", "", 5):
        found = check_settings_with(LOGINBYCALL={**GOOD, "STORE": bad}, CACHES=REDIS)
        assert [m.id for m in found] == ["loginbycall.E011"], bad
        assert "hunter2" not in str(found[0].msg)
    assert ids(LOGINBYCALL={**GOOD, "SINGLE_PROCESS": "yes"}, CACHES=REDIS) == [
        "loginbycall.E008"
    ]


def test_the_call_rate_limit_moved_to_the_guard() -> None:
    assert ids(LOGINBYCALL={**GOOD, "RATE_LIMITS": {"call": "5/m/ip"}}, CACHES=REDIS) == [
        "loginbycall.W004"
    ]
    assert ids(LOGINBYCALL={**GOOD, "GUARD": {"number_rate": None}}, CACHES=REDIS) == []
    for bad in ({"number_rates": None}, "off", {"number_rate": {"calls": 0, "window": 60}}):
        assert ids(LOGINBYCALL={**GOOD, "GUARD": bad}, CACHES=REDIS) == ["loginbycall.E014"], bad
    assert ids(LOGINBYCALL={**GOOD, "CACHE": "missing"}, CACHES=REDIS) == ["loginbycall.E005"]


def test_the_old_create_user_hook_warns_and_a_bad_one_is_an_error() -> None:
    found = ids(LOGINBYCALL={**GOOD, "CREATE_USER": "no.such.hook"}, CACHES=REDIS)
    assert sorted(found) == ["loginbycall.E008", "loginbycall.W003"]
    assert ids(LOGINBYCALL={**GOOD, "ADAPTER": "no.such.Adapter"}, CACHES=REDIS) == [
        "loginbycall.E008"
    ]


def test_malformed_values_are_errors() -> None:
    for rates in (
        {"check_failed": "5 per minute"},
        {"check_failed": "5/m/everyone"},
        {"nothing": "5/m"},
    ):
        assert ids(LOGINBYCALL={**GOOD, "RATE_LIMITS": rates}, CACHES=REDIS) == [
            "loginbycall.E006"
        ], rates
    assert ids(LOGINBYCALL={**GOOD, "SINGUP": True}, CACHES=REDIS) == ["loginbycall.E007"]
    for key, value in (
        ("SIGNUP", "yes"),
        ("MAX_ATTEMPTS", 0),
        ("TTL", "300"),
        ("TTL", 0),
        ("SIGNATURE_PLACEMENT", "cookie"),
        ("DEFAULT_REGION", 7),
        ("DEADLINE", -1),
        ("DEADLINE", "10"),
        ("FORMS", {"phone": "no.such.Form"}),
        ("CLIENT_OPTIONS", ["timeout", 3]),
    ):
        assert ids(LOGINBYCALL={**GOOD, key: value}, CACHES=REDIS) == ["loginbycall.E008"], key


def test_the_backend_and_the_session_middleware_are_needed() -> None:
    found = ids(
        LOGINBYCALL=GOOD,
        CACHES=REDIS,
        AUTHENTICATION_BACKENDS=["django.contrib.auth.backends.ModelBackend"],
    )
    assert found == ["loginbycall.W001"]
    assert ids(LOGINBYCALL=GOOD, CACHES=REDIS, MIDDLEWARE=[]) == ["loginbycall.E009"]


def test_the_old_name_of_ttl_is_read_for_one_release_with_a_warning() -> None:
    from loginbycall.django.conf import app_settings

    assert ids(LOGINBYCALL={**GOOD, "LOGIN_TTL": 90}, CACHES=REDIS) == ["loginbycall.W003"]
    both = {**GOOD, "LOGIN_TTL": 90, "TTL": 90}
    assert ids(LOGINBYCALL=both, CACHES=REDIS) == ["loginbycall.E010"]
    with override_settings(LOGINBYCALL={**GOOD, "LOGIN_TTL": 90}):
        assert app_settings().ttl == 90
    with override_settings(LOGINBYCALL={**GOOD, "TTL": 120, "MAX_ATTEMPTS": 5}):
        assert (app_settings().ttl, app_settings().max_attempts) == (120, 5)


def test_the_client_settings_are_the_sdks_names_in_upper_case() -> None:
    from loginbycall.django.client import get_client, reset

    settings = {
        **GOOD,
        "SIGNATURE_PLACEMENT": "header",
        "DEFAULT_REGION": "KZ",
        "DEADLINE": 7.5,
        "TTL": 120,
        "MAX_ATTEMPTS": 5,
    }
    assert ids(LOGINBYCALL=settings, CACHES=REDIS) == []
    with override_settings(LOGINBYCALL=settings):
        reset()
        client = get_client()
        # KZ shares +7 with RU: its national form 8 7xx... reads as a Kazakh number.
        assert client.normalize_phone("8 (701) 123-45-67") == "77011234567"
        reset()
