"""``AsyncClient`` and ``AsyncLogin``: the client for asyncio (FastAPI, Starlette, Django's async
views), on the same Rust core as :class:`loginbycall.Client`.

Each coroutine hands its operation to a thread of the core's own (the transport is blocking), so
the event loop never waits on the network; the answer comes back through
``loop.call_soon_threadsafe``. Cancelling the task (``asyncio.timeout``, ``wait_for``, a client
that went away) cancels the operation: it stops at its next pause (before an attempt, in a retry's
backoff, between the polls of ``wait_final``), an attempt already sent ends by its timeout on its
own thread, and its outcome is dropped.
"""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any, Callable, Mapping, Optional, Type, TypeVar, Union, cast

from ._native import Client, Login, _submit
from .answers import (
    AccountStatus,
    Balance,
    CallStarted,
    CallState,
    CredentialChange,
    Payment,
    Registration,
    ServerStatus,
    Verdict,
)

__all__ = ["AsyncClient", "AsyncLogin"]

T = TypeVar("T")

_Params = Mapping[str, Union[str, int, None]]


def _settle(future: asyncio.Future[Any], ok: bool, value: Any) -> None:
    if future.done():
        return
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)


async def _run(method: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Runs ``method(*args, **kwargs)`` (a method of the native ``Client`` or ``Login``) on the
    core's thread and waits for it without blocking the loop."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Any] = loop.create_future()

    def done(ok: bool, value: Any) -> None:
        try:
            loop.call_soon_threadsafe(_settle, future, ok, value)
        except RuntimeError:
            pass  # the loop is closed: no one waits for this answer any more

    pending = _submit(done, method, *args, **kwargs)
    try:
        return cast(T, await future)
    except asyncio.CancelledError:
        pending.cancel()
        raise


class AsyncLogin:
    """A :class:`loginbycall.Login` whose network and store operations are coroutines
    (``check``, ``wait_final``, ``hangup``); its properties and ``to_json`` are the login's."""

    __slots__ = ("_login", "_client")

    def __init__(self, login: Login, client: AsyncClient) -> None:
        self._login = login
        self._client = client

    @property
    def login(self) -> Login:
        """The synchronous :class:`loginbycall.Login` (the same login)."""
        return self._login

    @property
    def call(self) -> str:
        """The call's id."""
        return self._login.call

    @property
    def msisdn(self) -> str:
        """The number called, as E.164 digits."""
        return self._login.msisdn

    @property
    def ip_address(self) -> Optional[str]:
        """The user's IP address, if the site gave it."""
        return self._login.ip_address

    @property
    def prompt(self) -> str:
        """The caller's number without its last ``codelen`` digits."""
        return self._login.prompt

    @property
    def codelen(self) -> int:
        """How many digits the user types."""
        return self._login.codelen

    @property
    def repeat_timeout(self) -> int:
        """Seconds before the same number may be called again."""
        return self._login.repeat_timeout

    @property
    def started_at(self) -> int:
        """When the call was placed, as UNIX seconds."""
        return self._login.started_at

    @property
    def expires_at(self) -> int:
        """When the code stops being accepted, as UNIX seconds."""
        return self._login.expires_at

    @property
    def attempts(self) -> int:
        """Checks made so far, as last seen in the store."""
        return self._login.attempts

    @property
    def attempts_left(self) -> int:
        """Checks left before the login locks, as last seen."""
        return self._login.attempts_left

    @property
    def max_attempts(self) -> int:
        """Checks allowed per call."""
        return self._login.max_attempts

    @property
    def is_accepted(self) -> bool:
        """Whether the code was accepted, as last seen."""
        return self._login.is_accepted

    def to_json(self) -> str:
        """The sealed state for the site's session (``AsyncClient.resume_login`` reads it)."""
        return self._login.to_json()

    async def check(self, digits: str) -> Verdict:
        """Judges the digits typed (see :meth:`loginbycall.Login.check`)."""
        return await _run(self._login.check, digits)

    async def wait_final(self, timeout: float = 30.0) -> CallState:
        """Polls ``call-status`` until the status is final or ``timeout`` seconds pass."""
        return await _run(self._login.wait_final, self._client.client, timeout)

    async def hangup(self) -> None:
        """Ends the call if it is still ringing."""
        await _run(self._login.hangup, self._client.client)

    def __repr__(self) -> str:
        return f"Async{self._login!r}"


class AsyncClient:
    """A LoginByCall client for asyncio: :class:`loginbycall.Client`'s methods as coroutines.

    Made with ``Client``'s arguments (``AsyncClient(call_api_id, api_key, base_url=...)``), from
    the environment (:meth:`from_env`), or around an existing client (``AsyncClient(client=c)``,
    sharing its connections). ``async with AsyncClient(...) as client:`` closes it at the end.
    """

    __slots__ = ("_client",)

    def __init__(
        self,
        call_api_id: Optional[str] = None,
        api_key: Optional[str] = None,
        *,
        client: Optional[Client] = None,
        **options: Any,
    ) -> None:
        if client is not None:
            if call_api_id is not None or api_key is not None or options:
                raise TypeError(
                    "AsyncClient(client=...) takes no other argument: the client is configured"
                )
            if not isinstance(client, Client):
                raise TypeError(
                    f"client must be a loginbycall.Client, not {type(client).__name__}"
                )
            self._client = client
        else:
            self._client = Client(call_api_id, api_key, **options)

    @classmethod
    def from_env(cls, **options: Any) -> AsyncClient:
        """:meth:`loginbycall.Client.from_env`, for asyncio."""
        return cls(client=Client.from_env(**options))

    @property
    def client(self) -> Client:
        """The synchronous :class:`loginbycall.Client` underneath (the same connections)."""
        return self._client

    @property
    def base_url(self) -> str:
        """The API root requests go to."""
        return self._client.base_url

    @property
    def call_api_id(self) -> Optional[str]:
        """The configured ``call-api-id``, if any."""
        return self._client.call_api_id

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._client.closed

    async def close(self) -> None:
        """Lets go of the connections; later use raises ``InvalidInput`` on ``client``."""
        self._client.close()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        await self.close()

    def with_credentials(self, call_api_id: str, api_key: str) -> AsyncClient:
        """An async client with the same settings and connections but other credentials."""
        return AsyncClient(client=self._client.with_credentials(call_api_id, api_key))

    def normalize_phone(self, text: str) -> str:
        """``text`` as E.164 digits (no I/O, so not a coroutine)."""
        return self._client.normalize_phone(text)

    async def register(
        self,
        domain: str,
        admin_email: str,
        *,
        admin_phone: Optional[str] = None,
        verify_url: Optional[str] = None,
        balance_notify_limit: Optional[int] = None,
    ) -> Registration:
        """``register``: registers ``domain``; the api-key is mailed to ``admin_email``."""
        return await _run(
            self._client.register,
            domain,
            admin_email,
            admin_phone=admin_phone,
            verify_url=verify_url,
            balance_notify_limit=balance_notify_limit,
        )

    async def status(self) -> AccountStatus:
        """``status``: whether the account is activated, blocked, allowed unsigned calls."""
        return await _run(self._client.status)

    async def server_status(self) -> ServerStatus:
        """``server-status``: whether the service can place calls now."""
        return await _run(self._client.server_status)

    async def options(self, balance_notify_limit: int) -> None:
        """``options``: the balance below which the administrator is mailed (``-1``: never)."""
        await _run(self._client.options, balance_notify_limit)

    async def balance(self) -> Balance:
        """``balance``: payments, consumption, the notification limit, the last payments."""
        return await _run(self._client.balance)

    async def pay(
        self,
        amount: int,
        *,
        locale: Optional[str] = None,
        success_url: Optional[str] = None,
        fail_url: Optional[str] = None,
        return_url: Optional[str] = None,
    ) -> Payment:
        """``pay``: a payment form for ``amount`` credits."""
        return await _run(
            self._client.pay,
            amount,
            locale=locale,
            success_url=success_url,
            fail_url=fail_url,
            return_url=return_url,
        )

    async def change_credential(
        self, admin_email: str, admin_phone: Optional[str] = None
    ) -> CredentialChange:
        """``change_credential``: a new id and key, mailed to ``admin_email``."""
        return await _run(self._client.change_credential, admin_email, admin_phone)

    async def credential_confirm(self) -> None:
        """``credential_confirm``: activates this client's id and key."""
        await _run(self._client.credential_confirm)

    async def call(self, msisdn: str, ip_address: Optional[str] = None) -> CallStarted:
        """``call``: rings ``msisdn``; never sent twice (see ``may_have_been_placed``)."""
        return await _run(self._client.call, msisdn, ip_address)

    async def call_status(self, call: str) -> CallState:
        """``call-status``: where the call is."""
        return await _run(self._client.call_status, call)

    async def call_hangup(self, call: str) -> None:
        """``call-hangup``: ends a call that is still ringing."""
        await _run(self._client.call_hangup, call)

    async def request(self, method: str, params: Optional[_Params] = None) -> dict[str, Any]:
        """Any method by its wire name with raw parameters; the JSON answer."""
        return await _run(self._client.request, method, params)

    async def start_login(self, msisdn: str, ip_address: Optional[str] = None) -> AsyncLogin:
        """Places the call for a login and returns the :class:`AsyncLogin`."""
        login = await _run(self._client.start_login, msisdn, ip_address)
        return AsyncLogin(login, self)

    async def resume_login(self, state: str) -> AsyncLogin:
        """A login back from its sealed state (``AsyncLogin.to_json()``)."""
        login = await _run(self._client.resume_login, state)
        return AsyncLogin(login, self)

    def __repr__(self) -> str:
        return f"Async{self._client!r}"
