"""A login by phone call on Starlette with ``loginbycall.AsyncClient``: the event loop never waits
on the service.

    pip install loginbycall starlette uvicorn
    export LOGINBYCALL_CALL_API_ID=... LOGINBYCALL_API_KEY=...   # or LOGINBYCALL_BASE_URL=<sandbox>
    export SITE_SECRET=$(python -c 'import secrets; print(secrets.token_hex(32))')
    uvicorn app:app

The JSON API: ``POST /login/start`` ``{"phone": "..."}`` places the call and answers the prompt
(``+7925688`` followed by ``codelen`` blanks) and a sealed ``state`` the page sends back;
``POST /login/check`` ``{"state": "...", "digits": "0636"}`` answers ``{"verdict": ...}``. The
state holds neither the code nor the mask and any change to it is refused, so it may travel
through the browser; attempts are counted in the client's store. A real site keeps it in its
session and sets its own login cookie on ``accepted``.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
from typing import AsyncIterator, Optional

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

import loginbycall
from loginbycall import AsyncClient, errors


def client_ip(request: Request) -> Optional[str]:
    """The peer's address when it is one (behind a proxy, read the proxy's header instead)."""
    host = request.client.host if request.client else None
    try:
        return str(ipaddress.ip_address(host)) if host else None
    except ValueError:
        return None


def make_app(client: Optional[AsyncClient] = None) -> Starlette:
    """The site; ``client`` defaults to ``AsyncClient.from_env()``, closed at shutdown."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.lbc = client or AsyncClient.from_env()
        async with app.state.lbc:
            yield

    async def start(request: Request) -> JSONResponse:
        lbc: AsyncClient = request.app.state.lbc
        body = await request.json()
        ip = client_ip(request)
        try:
            login = await lbc.start_login(str(body.get("phone", "")), ip_address=ip)
        except errors.InvalidInput as e:
            return JSONResponse({"error": "invalid", "field": e.field}, status_code=400)
        except errors.GuardRefused as e:
            return JSONResponse({"error": "refused", "reason": e.reason}, status_code=429)
        except errors.CallRepeatTimeout as e:
            return JSONResponse({"error": "too_soon", "delay": e.delay}, status_code=429)
        except loginbycall.LoginByCallError:
            return JSONResponse({"error": "unavailable"}, status_code=503)
        return JSONResponse(
            {"prompt": "+" + login.prompt, "codelen": login.codelen, "state": login.to_json()}
        )

    async def check(request: Request) -> JSONResponse:
        lbc: AsyncClient = request.app.state.lbc
        body = await request.json()
        try:
            login = await lbc.resume_login(str(body.get("state", "")))
            verdict = await login.check(str(body.get("digits", "")))
        except errors.InvalidInput as e:
            return JSONResponse({"error": "invalid", "field": e.field}, status_code=400)
        if verdict.accepted:
            await login.hangup()
        return JSONResponse(
            {"verdict": verdict.name, "attempts_left": verdict.attempts_left,
             "msisdn": login.msisdn if verdict.accepted else None}
        )

    return Starlette(
        routes=[
            Route("/login/start", start, methods=["POST"]),
            Route("/login/check", check, methods=["POST"]),
        ],
        lifespan=lifespan,
    )


app = make_app() if os.environ.get("LOGINBYCALL_CALL_API_ID") else None
