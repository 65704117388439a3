"""The installed package: its public names, its type information, its version."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import loginbycall
from conftest import REPO


def test_the_suite_runs_against_the_installed_package() -> None:
    installed = Path(loginbycall.__file__).resolve()
    source = REPO / "bindings" / "python" / "python"
    assert source not in installed.parents, f"imported the source tree: {installed}"
    assert "site-packages" in installed.parts


def test_every_public_name_exists() -> None:
    assert len(loginbycall.__all__) == len(set(loginbycall.__all__))
    for name in loginbycall.__all__:
        assert getattr(loginbycall, name) is not None, name


def test_it_is_typed() -> None:
    package = Path(loginbycall.__file__).parent
    assert (package / "py.typed").is_file()
    assert (package / "_native.pyi").is_file()


def test_the_version_is_the_cores() -> None:
    cargo = (REPO / "Cargo.toml").read_text(encoding="utf-8")
    assert f'version = "{loginbycall.__version__}"' in cargo
    from loginbycall import _native

    assert _native.USER_AGENT == f"loginbycall-python/{loginbycall.__version__}"


@pytest.mark.skipif(
    sys.version_info < (3, 10), reason="abi3 classes carry a text signature from Python 3.10 on"
)
def test_the_client_signature_repeats_the_builders_defaults() -> None:
    import ast

    from loginbycall import _native

    # What inspect.signature(Client) and help() show.
    text = loginbycall.Client.__text_signature__
    assert text is not None
    function = ast.parse(f"def client{text}: pass").body[0]
    assert isinstance(function, ast.FunctionDef)
    arguments = function.args
    assert [a.arg for a in arguments.args] == ["call_api_id", "api_key"]
    defaults = {
        a.arg: ast.literal_eval(d) if d is not None else None
        for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults)
    }
    for name, default in _native.CLIENT_DEFAULTS.items():
        assert defaults[name] == default, name


def test_the_classes_say_where_users_import_them_from() -> None:
    import pickle

    from loginbycall.testing import SandboxServer

    for cls in (loginbycall.Client, loginbycall.Login, loginbycall.Signer):
        assert cls.__module__ == "loginbycall", cls
        assert getattr(loginbycall, cls.__name__) is cls
        assert str(cls) == f"<class 'loginbycall.{cls.__name__}'>"
    assert SandboxServer.__module__ == "loginbycall.testing"
    with pytest.raises(TypeError, match=r"'loginbycall\.Client'"):
        pickle.dumps(loginbycall.Client("id", "key"))


def test_only_the_packages_thin_wrappers_import_the_native_module() -> None:
    import re

    package = Path(loginbycall.__file__).parent
    wrappers = {"__init__.py", "_aio.py", "answers.py", "errors.py", "testing.py"}
    for path in sorted(package.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if re.search(r"^\s*(from|import)\s+\S*_native\b|import _native\b", text, re.M):
            assert path.relative_to(package).as_posix() in wrappers, path
