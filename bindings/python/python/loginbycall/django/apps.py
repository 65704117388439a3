"""The app's configuration: label ``loginbycall``."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoginByCallConfig(AppConfig):
    """``INSTALLED_APPS += ["loginbycall.django"]``."""

    name = "loginbycall.django"
    label = "loginbycall"
    verbose_name = _("Login by phone call")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core.signals import setting_changed

        # backends too, which Django's authenticate() would import on the first login: a module
        # imported for the first time by two threads at once (gunicorn --threads) may be seen
        # half-initialised, a 500.
        from . import backends, checks, client  # noqa: F401

        checks.register()

        def forget_client(*, setting: str, **kwargs: object) -> None:
            if setting in ("LOGINBYCALL", "DEBUG"):
                client.reset()

        setting_changed.connect(forget_client, weak=False, dispatch_uid="loginbycall-client")

        from django.contrib.auth.signals import user_logged_in

        def proved(*, request: object, **kwargs: object) -> None:
            # A login by any means is a fresh proof for changing the account's numbers.
            from .flows import record_login

            if request is not None and hasattr(request, "session"):
                record_login(request)  # type: ignore[arg-type]

        user_logged_in.connect(proved, weak=False, dispatch_uid="loginbycall-proved")
        _announce_under_runserver()


def _announce_under_runserver() -> None:
    """Under ``runserver`` with ``SANDBOX`` on: start the sandbox now and print its address and
    dashboard (in the process that serves: the autoreloader's child, or the only one)."""
    import os
    import sys

    from django.conf import settings

    from .conf import app_settings

    if "runserver" not in sys.argv[1:3] or not getattr(settings, "DEBUG", False):
        return
    if not app_settings().sandbox:
        return
    if "--noreload" not in sys.argv and os.environ.get("RUN_MAIN") != "true":
        return  # the autoreloader itself: its child serves
    from .client import announce_sandbox

    announce_sandbox()
