"""Testing a site's phone login against the sandbox, with no account and no network.

::

    from loginbycall.django.testing import sandbox_settings

    def test_login_by_call(client):
        with sandbox_settings(dial_ms=0, ring_ms=0) as sandbox:
            client.post(reverse("loginbycall:phone"), {"phone": "+7 925 688-06-36"})
            code = sandbox.latest_call_to("79256880636").code
            response = client.post(reverse("loginbycall:code"), {"digits": code})

``sandbox_settings`` starts a :class:`loginbycall.testing.Sandbox` and points ``LOGINBYCALL``
at it (``BASE_URL`` and the sandbox account's credentials, the site's other keys kept), so the
code under test runs exactly as in production, DEBUG off included.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.test import override_settings

from loginbycall.testing import Sandbox

__all__ = ["sandbox_settings"]


@contextmanager
def sandbox_settings(**sandbox_options: Any) -> Iterator[Sandbox]:
    """A running sandbox with ``LOGINBYCALL`` pointed at it; ``sandbox_options`` are
    :class:`~loginbycall.testing.Sandbox`'s keyword arguments. Extra ``LOGINBYCALL`` keys can
    be given as ``loginbycall={...}``."""
    extra = dict(sandbox_options.pop("loginbycall", None) or {})
    with Sandbox(**sandbox_options) as sandbox:
        account = sandbox.account
        current = dict(getattr(settings, "LOGINBYCALL", None) or {})
        current.pop("SANDBOX", None)
        current.update(
            CALL_API_ID=account.call_api_id,
            API_KEY=account.api_key,
            BASE_URL=sandbox.base_url,
            **extra,
        )
        with override_settings(LOGINBYCALL=current):
            yield sandbox
