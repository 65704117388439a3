"""What the pages say about a call, in the user's language."""

from __future__ import annotations

import math

from django.utils.translation import gettext, ngettext

__all__ = [
    "ANSWERED",
    "BUSY",
    "FAILED",
    "NOT_ANSWERED",
    "RETRY_STATUSES",
    "status_message",
    "wait_text",
]

QUEUED, DIALING, ANSWERED, BUSY, NOT_ANSWERED, FAILED = 1, 2, 4, 8, 16, 32
#: Final statuses after which the page offers a new call first.
RETRY_STATUSES = frozenset({BUSY, NOT_ANSWERED, FAILED})


def status_message(code: int | None, codelen: int) -> str:
    """The sentence the code page shows for the call's status ``code`` (``None``: unknown)."""
    if code == QUEUED:
        return gettext("Placing the call…")
    if code == DIALING:
        return gettext("Your phone is ringing: look at the number that is calling.")
    if code == ANSWERED:
        return ngettext(
            "The call reached your phone. Type the last %(count)d digit of the number that "
            "called.",
            "The call reached your phone. Type the last %(count)d digits of the number that "
            "called.",
            codelen,
        ) % {"count": codelen}
    if code == BUSY:
        return gettext("Your line was busy, so the call did not come through. Ask for a new call.")
    if code == NOT_ANSWERED:
        return gettext(
            "The call was not answered. If you saw the number, type its last digits; "
            "otherwise ask for a new call."
        )
    if code == FAILED:
        return gettext("The call could not be made. Ask for a new call.")
    if code is None:
        return gettext("Checking the call…")
    return gettext("The call has ended. If you saw the number, type its last digits.")


def wait_text(seconds: float) -> str:
    """``3 minutes`` or ``45 seconds``: how long until a limit lets the user try again."""
    if seconds >= 90:
        minutes = math.ceil(seconds / 60)
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    whole = max(1, math.ceil(seconds))
    return ngettext("%(count)d second", "%(count)d seconds", whole) % {"count": whole}
