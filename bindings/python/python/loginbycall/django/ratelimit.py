"""Rate limits through Django's cache, in django-allauth's notation (``"5/m/ip,3/10m/key"``).

Calls placed are limited by lbc-core's guard (per number, per IP, per range, in all), counted in
the app's store; what is left here is what the guard does not count: wrong digits per number
across calls (``check_failed``) and the status endpoint's polling (``status``).

Each rate is a fixed window counted with ``cache.add`` and ``cache.incr``, which Redis and
Memcached do atomically, so that concurrent requests on several processes or servers never get
past a limit (a sliding history kept with ``get`` and ``set`` would let a burst of concurrent
requests through). A window's counter lives twice the window, so that it cannot expire while
it is counted.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.core.cache import BaseCache, caches
from django.http import HttpRequest

from .conf import app_settings
from .ip import client_ip

__all__ = ["Limited", "Rate", "consume", "exhausted", "parse_rates", "refund"]

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_PERS = ("ip", "key", "user")


@dataclass(frozen=True)
class Rate:
    """``amount`` events per ``duration`` seconds, counted per ``per``."""

    amount: int
    duration: int
    per: str


@dataclass(frozen=True)
class Limited:
    """A limit was reached; ``retry_after`` seconds until its window ends."""

    action: str
    rate: Rate
    retry_after: int


def _duration(text: str) -> int:
    if not text or text[-1] not in _UNITS:
        raise ValueError(f"a duration is a number and one of s, m, h, d: {text!r}")
    number = text[:-1]
    value = float(number) if number else 1.0
    seconds = value * _UNITS[text[-1]]
    if not math.isfinite(seconds) or seconds < 1:
        raise ValueError(f"a duration must be at least a second: {text!r}")
    return int(seconds)


def parse_rates(text: str | None) -> list[Rate]:
    """The rates in ``text`` (``None`` or ``""``: none); ``ValueError`` when malformed."""
    rates: list[Rate] = []
    if not text or not text.strip():
        return rates
    for part in text.split(","):
        pieces = part.strip().split("/")
        if len(pieces) == 2:
            pieces.append("ip")
        if len(pieces) != 3:
            raise ValueError(f"a rate is AMOUNT/DURATION[/PER]: {part.strip()!r}")
        amount, duration, per = pieces
        if not amount.isdigit():
            raise ValueError(f"a rate's amount is a whole number: {part.strip()!r}")
        if per not in _PERS:
            raise ValueError(f"a rate is counted per ip, key or user: {part.strip()!r}")
        rates.append(Rate(int(amount), _duration(duration), per))
    return rates


def _cache() -> BaseCache:
    return caches[app_settings().cache]


def _source(request: HttpRequest, rate: Rate, key: str | None) -> str | None:
    if rate.per == "ip":
        return "ip:" + client_ip(request)
    if rate.per == "key":
        return None if key is None else "key:" + key
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return f"user:{user.pk}"


def _window(action: str, rate: Rate, source: str, now: float) -> tuple[str, int]:
    window = int(now // rate.duration)
    digest = hashlib.sha256(source.encode()).hexdigest()[:40]
    key = f"loginbycall:rl:{action}:{rate.amount}:{rate.duration}:{digest}:{window}"
    retry_after = max(1, math.ceil((window + 1) * rate.duration - now))
    return key, retry_after


def _count(cache: BaseCache, key: str, timeout: int) -> int:
    cache.add(key, 0, timeout)
    try:
        return int(cache.incr(key))
    except ValueError:
        # Evicted between add and incr (a full cache): count afresh.
        cache.add(key, 0, timeout)
        return int(cache.incr(key))


def consume(request: HttpRequest, action: str, *, key: str | None = None) -> Limited | None:
    """Counts one ``action`` against each of its rates; the first limit reached, or ``None``.

    ``key`` is the action's own key (the phone number); rates per ``user`` count only
    authenticated users.
    """
    cache = _cache()
    now = time.time()
    for rate in parse_rates(app_settings().rate(action)):
        source = _source(request, rate, key)
        if source is None:
            continue
        cache_key, retry_after = _window(action, rate, source, now)
        if _count(cache, cache_key, 2 * rate.duration) > rate.amount:
            return Limited(action, rate, retry_after)
    return None


def refund(request: HttpRequest, action: str, *, key: str | None = None) -> None:
    """Gives back the count :func:`consume` took for ``action`` (its current windows), when the
    event it was taken for did not happen (a check that judged no wrong digits)."""
    cache = _cache()
    now = time.time()
    for rate in parse_rates(app_settings().rate(action)):
        source = _source(request, rate, key)
        if source is None:
            continue
        cache_key, _ = _window(action, rate, source, now)
        try:
            cache.decr(cache_key)
        except ValueError:
            pass  # the window ended meanwhile


def exhausted(request: HttpRequest, action: str, *, key: str | None = None) -> Limited | None:
    """Whether ``action`` has reached one of its limits already (counts nothing)."""
    cache = _cache()
    now = time.time()
    for rate in parse_rates(app_settings().rate(action)):
        source = _source(request, rate, key)
        if source is None:
            continue
        cache_key, retry_after = _window(action, rate, source, now)
        if int(cache.get(cache_key, 0)) >= rate.amount:
            return Limited(action, rate, retry_after)
    return None
