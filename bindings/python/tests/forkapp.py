"""A tiny WSGI site for the fork test (``test_fork.py``), served by gunicorn ``--preload``: its
client is made in the master at import, and used there once (``server_status``) before the
workers are forked, so that its connection pool holds a socket when they are."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

import loginbycall

CLIENT = loginbycall.Client(
    os.environ["LBC_FORK_CALL_API_ID"],
    os.environ["LBC_FORK_API_KEY"],
    base_url=os.environ["LBC_FORK_BASE_URL"],
    guard=None,
    store="memory:",
)
#: The request in the master, before the fork.
MASTER_STATUS = CLIENT.server_status().is_working
MASTER_PID = os.getpid()


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """``GET /call?msisdn=...``: places the call, answers ``{"pid", "call", "mask", ...}``."""
    query = parse_qs(environ.get("QUERY_STRING", ""))
    msisdn = query["msisdn"][0]
    try:
        started = CLIENT.call(msisdn)
        answer: dict[str, Any] = {"call": started.call, "mask": started.mask}
    except loginbycall.LoginByCallError as error:
        answer = {"error": f"{type(error).__name__}: {error}"}
    answer.update(pid=os.getpid(), master=MASTER_PID, msisdn=msisdn)
    body = json.dumps(answer).encode()
    start_response("200 OK", [("Content-Type", "application/json"),
                              ("Content-Length", str(len(body)))])
    return [body]
