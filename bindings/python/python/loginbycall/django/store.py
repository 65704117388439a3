"""The app's store by default: the site's Django cache, as a :class:`loginbycall.Store`.

lbc-core counts a login's attempts, its accept-once flag and the guard's counters in the client's
store. By default the app gives it the site's cache (``LOGINBYCALL["CACHE"]``, default
``"default"``) through this adapter over ``cache.add`` and ``cache.incr``, which Redis and
Memcached do atomically across processes and servers; ``LOGINBYCALL["STORE"]`` names a store by
URL instead (``sqlite:///...``, ``redis://...``). ``manage.py check`` refuses a cache that each
process keeps for itself (``LocMemCache``, ``DummyCache``) unless ``STORE`` is set or
``SINGLE_PROCESS`` says only one process runs.
"""

from __future__ import annotations

import math

from django.core.cache import BaseCache, caches

__all__ = ["CacheStore"]


def _timeout(ttl: float) -> int:
    # Django's timeouts are whole seconds; a counter may outlive its ttl by under a second.
    return max(1, math.ceil(ttl))


class CacheStore:
    """A :class:`loginbycall.Store` over the Django cache ``alias``.

    The cache is looked up on each call (Django's cache connections are per thread), so one
    adapter serves every thread of a process.
    """

    def __init__(self, alias: str = "default") -> None:
        self.alias = alias

    def __repr__(self) -> str:
        return f"CacheStore({self.alias!r})"

    @property
    def cache(self) -> BaseCache:
        return caches[self.alias]

    def incr(self, key: str, delta: int, ttl: float) -> int:
        """``cache.add(key, 0, ttl)`` then ``cache.incr(key, delta)``: atomic on Redis and
        Memcached. A key evicted between the two is created again."""
        cache = self.cache
        cache.add(key, 0, _timeout(ttl))
        try:
            return int(cache.incr(key, delta))
        except ValueError:
            cache.add(key, 0, _timeout(ttl))
            return int(cache.incr(key, delta))

    def add(self, key: str, ttl: float) -> bool:
        """``cache.add(key, 1, ttl)``: whether this call created it."""
        return bool(self.cache.add(key, 1, _timeout(ttl)))

    def get(self, key: str) -> int | None:
        value = self.cache.get(key)
        return None if value is None else int(value)
