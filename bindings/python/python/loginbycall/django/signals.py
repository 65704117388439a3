"""Signals a site can connect to.

``login_succeeded``: ``sender`` the view class, ``request``, ``user``, ``phone`` (E.164), and
``created`` (True when the user was signed up just now).

``login_failed``: ``sender`` the view class, ``request``, ``phone`` (E.164) and ``reason``:
``rejected`` (wrong digits), ``locked`` (no attempt left or the code already used),
``expired``, ``rate_limited``, ``unknown_number`` (the right digits for a number no account
has, with ``SIGNUP`` off) or ``inactive`` (the number's user may not log in).

``number_added``: ``sender`` the view class, ``request``, ``user``, ``phone``: a logged-in user
added a number.

The digits and the code are never sent.
"""

from __future__ import annotations

from django.dispatch import Signal

__all__ = ["login_failed", "login_succeeded", "number_added"]

login_succeeded = Signal()
login_failed = Signal()
number_added = Signal()
