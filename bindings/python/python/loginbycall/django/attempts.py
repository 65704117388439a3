"""Checks of one call's digits, counted atomically through Django's cache.

The session holds the login (lbc-core counts its attempts there too), but two requests that
carry the same session read the same copy of it: concurrent guesses would each see all attempts
left. So before a check is made the cache's counter for the call is incremented (``add`` and
``incr``, atomic on Redis and Memcached, across processes and servers); a check is made only
when the counter stays within the allowed attempts. The digits themselves are judged by
lbc-core alone (``Login.check``).

An accepted code is claimed once (``cache.add``): two concurrent right answers log in once.
"""

from __future__ import annotations

import hashlib

from django.core.cache import BaseCache, caches

from .conf import app_settings

__all__ = ["checks_made", "claim_acceptance", "take_check"]


def _cache() -> BaseCache:
    return caches[app_settings().cache]


def _key(kind: str, call_id: str) -> str:
    return f"loginbycall:{kind}:" + hashlib.sha256(call_id.encode()).hexdigest()[:40]


def _timeout() -> int:
    # Longer than the code lives: after that lbc-core answers "expired" whatever the count.
    return 2 * max(1, app_settings().ttl) + 60


def take_check(call_id: str, max_attempts: int) -> bool:
    """Counts one check of ``call_id``'s digits; whether it is within ``max_attempts``."""
    cache = _cache()
    key = _key("checks", call_id)
    cache.add(key, 0, _timeout())
    try:
        made = int(cache.incr(key))
    except ValueError:
        # Evicted between add and incr: the count restarts, still never above the limit
        # within one life of the key.
        cache.add(key, 0, _timeout())
        made = int(cache.incr(key))
    return made <= max_attempts


def checks_made(call_id: str) -> int:
    """How many checks of ``call_id`` were counted (refused ones included)."""
    return int(_cache().get(_key("checks", call_id), 0))


def claim_acceptance(call_id: str) -> bool:
    """True for the first request that claims ``call_id``'s accepted code, False after."""
    return bool(_cache().add(_key("accepted", call_id), 1, _timeout()))
