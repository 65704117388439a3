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

        from . import checks, client

        checks.register()

        def forget_client(*, setting: str, **kwargs: object) -> None:
            if setting in ("LOGINBYCALL", "DEBUG"):
                client.reset()

        setting_changed.connect(forget_client, weak=False, dispatch_uid="loginbycall-client")
