"""The SDK's events to :mod:`logging` (used by the native module; not public).

The Rust core reports one event per attempt of a request (DEBUG), per retry and per call the guard
refused (INFO), and per ``call`` that may have been placed though it failed (WARNING), with phone
numbers masked and never a key or a signature. They reach ``logging.getLogger("loginbycall")``
with the fields (``lbc_event``, ``lbc_method``, ``lbc_attempt``, ``lbc_status``,
``lbc_elapsed_ms``, ``lbc_request_id``) as attributes of the record.
"""

from __future__ import annotations

import logging
from typing import Any, Sequence, Tuple

logger = logging.getLogger("loginbycall")
# A library logs nothing unless the application configures logging.
logger.addHandler(logging.NullHandler())

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING}

_Event = Tuple[str, str, str, "dict[str, Any]"]


def emit(events: Sequence[_Event]) -> None:
    """Logs ``events`` (``(level, event, message, fields)``, oldest first)."""
    for level_name, event, message, fields in events:
        level = _LEVELS.get(level_name, logging.DEBUG)
        if not logger.isEnabledFor(level):
            continue
        extra = {"lbc_event": event}
        extra.update({"lbc_" + name: value for name, value in fields.items()})
        logger.log(level, "%s", message, extra=extra)
