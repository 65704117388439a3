"""The user's IP address: ``REMOTE_ADDR``, unless the site names a header its own proxy sets.

A header is believed only when the site says a proxy of its own sets it
(``TRUSTED_PROXY_HEADER``): anyone can send ``X-Forwarded-For``. A proxy appends the address it
saw, so with ``TRUSTED_PROXY_COUNT`` proxies in front of the site the client's address is the
``TRUSTED_PROXY_COUNT``-th from the right; what stands left of it the client wrote itself.
"""

from __future__ import annotations

import ipaddress

from django.http import HttpRequest

from .conf import app_settings

__all__ = ["client_ip", "meta_name"]


def meta_name(header: str) -> str:
    """``X-Forwarded-For`` as ``request.META`` names it: ``HTTP_X_FORWARDED_FOR``."""
    name = header.strip().upper().replace("-", "_")
    return name if name.startswith("HTTP_") or name == "REMOTE_ADDR" else "HTTP_" + name


def _valid(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The address calls are placed for and rate limits count (``""`` when unknown)."""
    remote = _valid(str(request.META.get("REMOTE_ADDR", ""))) or ""
    conf = app_settings()
    if not conf.trusted_proxy_header:
        return remote
    value = str(request.META.get(meta_name(conf.trusted_proxy_header), ""))
    entries = [entry for entry in (part.strip() for part in value.split(",")) if entry]
    count = max(1, conf.trusted_proxy_count)
    if len(entries) < count:
        return remote
    return _valid(entries[-count]) or remote
