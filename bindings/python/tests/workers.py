"""Code that runs in other processes (``multiprocessing`` with ``spawn``, gunicorn): kept out of
the test modules so that a child imports only this and ``loginbycall``."""

from __future__ import annotations

from typing import Any


def resume_and_check(
    base_url: str,
    account: tuple[str, str],
    store: str | None,
    max_attempts: int,
    state: str,
    guesses: list[str],
    barrier: Any,
    results: Any,
) -> None:
    """One "worker" of a site: its own client (on ``store``, or the default one, with the site's
    ``max_attempts``), the login resumed
    from the session's ``state``, then, once every worker is ready, ``guesses`` checked. Puts
    ``[(verdict name, attempts_left), ...]`` (or the error's text) on ``results``."""
    import loginbycall

    try:
        options: dict[str, Any] = {"max_attempts": max_attempts}
        if store is not None:
            options["store"] = store
        client = loginbycall.Client(
            account[0], account[1], base_url=base_url, guard=None, **options
        )
        login = client.resume_login(state)
        barrier.wait(60)
        verdicts = [login.check(g) for g in guesses]
        results.put([(v.name, v.attempts_left) for v in verdicts])
    except BaseException as error:  # noqa: BLE001 (reported to the test)
        results.put(f"{type(error).__name__}: {error}")
