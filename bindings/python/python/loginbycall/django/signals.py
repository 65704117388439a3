"""Signals a site can connect to.

``login_succeeded``: ``sender`` the view class, ``request``, ``user``, ``phone`` (E.164), and
``created`` (True when the user was signed up just now).

``login_failed``: ``sender`` the view class, ``request``, ``phone`` (E.164) and ``reason``:
``rejected`` (wrong digits), ``locked`` (no attempt left or the code already used),
``expired``, ``rate_limited``, ``refused`` (the guard), ``unknown_number`` (the right digits for
a number no account has, with ``SIGNUP`` off) or ``inactive`` (the number's user may not log in).

``call_refused``: ``sender`` the view class, ``request``, ``phone``, ``reason`` and
``retry_after``: lbc-core's guard refused to place a call and nothing was sent. ``reason`` is the
guard's: ``number_type``, ``country``, ``number_rate``, ``ip_rate``, ``range_rate``,
``global_rate``, ``spend`` or ``brake`` (calls to that country or range stopped turning into
accepted codes and are paused: a pumping attack, or a broken route). ``login_failed`` is sent
too, with ``rate_limited`` (per number, IP, range) or ``refused``.

``number_added``, ``number_removed``: ``sender``, ``request``, ``user``, ``phone``: a logged-in
user added (or changed to) a number, or removed one (or changed it to another). The adapter's
``send_number_mail`` is called at the same time, and a message is added.

The digits and the code are never sent.
"""

from __future__ import annotations

from django.dispatch import Signal

__all__ = ["call_refused", "login_failed", "login_succeeded", "number_added", "number_removed"]

login_succeeded = Signal()
login_failed = Signal()
number_added = Signal()
number_removed = Signal()
call_refused = Signal()
