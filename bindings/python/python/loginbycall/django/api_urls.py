"""The JSON API's URLs (:mod:`loginbycall.django.api`): ``api/browser/<endpoint>`` and
``api/app/<endpoint>``, named ``loginbycall:api-browser-<endpoint>`` and
``loginbycall:api-app-<endpoint>`` (``call/again`` is ``call-again``)."""

from __future__ import annotations

from django.urls import path

from .api import ENDPOINTS, endpoint

urlpatterns = [
    path(
        f"{client}/{name}",
        endpoint(handlers, client),
        name=f"api-{client}-{name.replace('/', '-')}",
    )
    for client in ("browser", "app")
    for name, handlers in ENDPOINTS.items()
]
