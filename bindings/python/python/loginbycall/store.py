"""The store protocol: what ``Client(store=...)`` takes besides a URL.

A login's attempts, its accept-once flag and the guard's counters live in a store shared by every
process (and server) that checks codes, so that racing workers never judge more than
``max_attempts`` checks per call. lbc-core has three built in, chosen by URL:
``sqlite:///abs/path.sqlite3`` (the default: a per-user file, shared by every process of one
server), ``redis://host:port/db`` (several servers) and ``memory:`` (this process only).

Any other shared key-value store can be one by these three methods (the Django app's adapter over
the site's cache is one)::

    class MyStore:
        def incr(self, key: str, delta: int, ttl: float) -> int: ...
        def add(self, key: str, ttl: float) -> bool: ...
        def get(self, key: str) -> int | None: ...

    client = loginbycall.Client(CALL_API_ID, API_KEY, store=MyStore())

**They must be atomic across every process using the store**: two ``incr`` of one key at once
both count, and of two ``add`` of one key at once exactly one returns ``True``. A store that
reads, then writes (``get`` and ``set``) lets concurrent guesses through. They are called with
the interpreter's lock held, from whichever thread checks a code or places a call; an exception
they raise becomes :class:`loginbycall.StoreError` with the original as ``__cause__``.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

__all__ = ["Store"]


@runtime_checkable
class Store(Protocol):
    """Atomic counters with expiry, shared by every process that checks codes."""

    def incr(self, key: str, delta: int, ttl: float) -> int:
        """Adds ``delta`` to the counter ``key`` and returns its new value. A counter that does
        not exist (or has expired) starts at 0 and lives ``ttl`` seconds from now; an existing
        one keeps its expiry."""
        ...

    def add(self, key: str, ttl: float) -> bool:
        """Creates the counter ``key`` with the value 1, living ``ttl`` seconds, unless it
        exists; returns whether this call created it."""
        ...

    def get(self, key: str) -> int | None:
        """The counter's value, or ``None`` when it does not exist or has expired."""
        ...
