"""The embedded sandbox of ``runserver``, in a process of its own that outlives autoreloads.

``runserver`` restarts its child process on every code change; a sandbox living in that child
would start afresh each time, on a new port, forgetting its calls. So under the autoreloader
(``RUN_MAIN=true``) the app starts this module once per ``runserver``::

    python -m loginbycall.django.sandbox_process STATE_FILE PARENT_PID OPTIONS_JSON

It runs a :class:`loginbycall.testing.Sandbox`, writes its address, accounts and store to
``STATE_FILE`` (JSON, written atomically), and stops when ``PARENT_PID`` (the autoreloader)
ends, removing the file. Each new child of the same ``runserver`` finds the file and uses the
same sandbox: the same address, account, calls and store.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

__all__ = ["main"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def main(argv: list[str] | None = None) -> int:
    """Runs the sandbox until the parent ends."""
    from loginbycall.testing import Sandbox

    args = sys.argv[1:] if argv is None else argv
    state = Path(args[0])
    parent = int(args[1])
    options: dict[str, Any] = json.loads(args[2]) if len(args) > 2 else {}
    stop = False

    def ask_stop(*_: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, ask_stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches runserver; it ends us
    with Sandbox(**options) as sandbox:
        data = {
            "pid": os.getpid(),
            "base_url": sandbox.base_url,
            "port": sandbox.port,
            "dashboard_url": sandbox.dashboard_url,
            "store_url": sandbox.store_url,
            "accounts": [[a.call_api_id, a.api_key] for a in sandbox.accounts],
            "ready_line": sandbox.ready_line,
        }
        partial = state.with_suffix(".partial")
        partial.write_text(json.dumps(data), encoding="utf-8")
        os.chmod(partial, 0o600)
        partial.replace(state)
        try:
            while not stop and _alive(parent):
                time.sleep(0.5)
        finally:
            state.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
