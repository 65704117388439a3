"""examples/starlette_site (issue 17): the asyncio example logs a user in against the sandbox, and
refuses a wrong code and a changed state."""

from __future__ import annotations

import importlib.util
import os
import sys
import warnings
from types import ModuleType

import pytest

from conftest import REPO, phone
from loginbycall import AsyncClient
from loginbycall.testing import Sandbox

try:
    with warnings.catch_warnings():
        # Starlette 1.x suggests httpx2 for its test client; httpx works the same here.
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
except ImportError:  # pragma: no cover - scripts/test-python.sh installs it
    if os.environ.get("LBC_PYTHON_REQUIRE_ALL"):
        raise
    pytest.skip("starlette and httpx are not installed", allow_module_level=True)


def load_example() -> ModuleType:
    path = REPO / "examples" / "starlette_site" / "app.py"
    spec = importlib.util.spec_from_file_location("starlette_site_app", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_starlette_example_logs_a_user_in(sandbox: Sandbox) -> None:
    example = load_example()
    app = example.make_app(AsyncClient(client=sandbox.client()))
    number = phone()
    with TestClient(app) as http:
        assert http.post("/login/start", json={"phone": "12"}).json() == {
            "error": "invalid", "field": "msisdn"}
        started = http.post("/login/start", json={"phone": number})
        assert started.status_code == 200, started.text
        body = started.json()
        assert body["prompt"].startswith("+") and body["codelen"] == 4
        call = sandbox.latest_call_to(number)
        assert call is not None and call.code is not None
        wrong = "0000" if call.code != "0000" else "1111"
        rejected = http.post("/login/check", json={"state": body["state"], "digits": wrong})
        assert rejected.json()["verdict"] == "rejected"
        tampered = body["state"].replace('"', "'", 1)
        assert http.post("/login/check", json={"state": tampered, "digits": call.code}).json() == {
            "error": "invalid", "field": "login_state"}
        accepted = http.post("/login/check", json={"state": body["state"], "digits": call.code})
        assert accepted.json() == {"verdict": "accepted", "attempts_left": 0, "msisdn": number}
