"""One name per concept (issue 14): every name of the repository's ``vocabulary.json`` (written
from lbc-core's names by ``lbc-core/tests/vocabulary.rs``) exists in the package in Python's
case, and an old name appears only as a deprecated alias the README lists.

Python's case: classes CamelCase, members, keyword arguments and functions snake_case, enum values
the strings the package accepts and returns. The few places where Python has no such name say why
in ``NOT_CLASSES`` and ``MEMBER_EXCEPTIONS``.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

import loginbycall
from conftest import REPO
from loginbycall import errors

def load_vocabulary() -> dict[str, Any]:
    path = REPO / "vocabulary.json"
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: lbc-core's test writes it "
            "(LBC_BLESS=1 cargo test -p lbc-core --test vocabulary)"
        )
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


VOCABULARY = load_vocabulary()

#: The Python class of a vocabulary type whose Python name differs.
PYTHON_CLASS = {"Error": "LoginByCallError"}

#: Vocabulary types that are no class in Python, and why.
NOT_CLASSES = {
    "LoginPolicy": "the policy is two Client keyword arguments: Client(max_attempts=, ttl=)",
}

#: Members a Python class does not have under the vocabulary's name, and why; and vocabulary
#: names a class has that are not deprecated aliases there.
MEMBER_EXCEPTIONS: dict[tuple[str, str], str] = {}

#: The deprecated aliases the package keeps for one release (old name -> where it is accepted).
#: Each gives a DeprecationWarning and is listed in the README's "Old names kept for one release".
ALIASES = {
    "login_max_attempts": "Client keyword argument",
    "login_ttl": "Client keyword argument",
    "accepted": "Login property",
}


def old_name(key: str) -> str:
    """The old name of a ``deprecated`` key: ``Type.member`` and ``options.name`` are scoped, a
    bare key is a type."""
    return key.rsplit(".", 1)[-1]


#: Each deprecated old name -> its new name.
DEPRECATED = {old_name(k): v for k, v in VOCABULARY["deprecated"].items()}

#: The files of the package where an alias's name may be written: its declaration, and the
#: Django app's client, which passes CLIENT_OPTIONS that still use it through unchanged.
ALIAS_FILES = {
    "login_max_attempts": {"_native.pyi", "django/client.py"},
    "login_ttl": {"_native.pyi", "django/client.py"},
    "LOGIN_TTL": {"django/conf.py"},
}

PACKAGE = Path(loginbycall.__file__).parent
STUB = ast.parse((PACKAGE / "_native.pyi").read_text(encoding="utf-8"))


def python_class(name: str) -> Any:
    return getattr(loginbycall, PYTHON_CLASS.get(name, name), None)


def members_of(cls: type) -> set[str]:
    """What ``cls`` answers to: attributes, properties, methods and dataclass fields."""
    names = set(dir(cls))
    if dataclasses.is_dataclass(cls):
        names |= {f.name for f in dataclasses.fields(cls)}
    return names


def error_members() -> set[str]:
    """An error's members: the base class's and those of each kind's class (each carries its
    own details: ``ApiError.code``, ``HttpError.http_status``, ``TransportError.transport_kind``)."""
    names = members_of(loginbycall.LoginByCallError)
    for cls in errors.KINDS.values():
        names |= members_of(cls) | set(vars(cls("m")))
    return names


def stub_client_signatures() -> list[tuple[bool, list[str]]]:
    """``Client.__new__``'s overloads in ``_native.pyi``: (whether it is ``@deprecated``, its
    argument names)."""
    found = []
    for node in STUB.body:
        if isinstance(node, ast.ClassDef) and node.name == "Client":
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "__new__":
                    deprecated = any(
                        isinstance(d, ast.Call) and getattr(d.func, "id", "") == "deprecated"
                        for d in item.decorator_list
                    )
                    args = item.args
                    found.append((deprecated, [a.arg for a in args.args[1:] + args.kwonlyargs]))
    assert found, "_native.pyi declares no Client.__new__"
    return found


def stub_client_keywords(*, deprecated: bool = False) -> list[str]:
    """The keywords of the current signature, or with ``deprecated`` of every signature."""
    return [
        name
        for old, names in stub_client_signatures()
        if deprecated or not old
        for name in names
    ]


def test_the_vocabulary_file_has_the_agreed_shape() -> None:
    assert VOCABULARY["version"] == 1
    for key in ("types", "members", "options", "functions", "enums", "deprecated"):
        assert key in VOCABULARY, key


@pytest.mark.parametrize("name", VOCABULARY["types"])
def test_each_type_is_a_class(name: str) -> None:
    if name in NOT_CLASSES:
        return
    if name in VOCABULARY["enums"] and python_class(name) is None:
        # An enum Python spells as strings (str values): its values are checked below.
        return
    cls = python_class(name)
    assert isinstance(cls, type), f"loginbycall.{PYTHON_CLASS.get(name, name)} is missing"
    assert cls.__module__.startswith("loginbycall"), cls


@pytest.mark.parametrize(
    ("type_name", "member"),
    [(t, m) for t, names in VOCABULARY["members"].items() for m in names],
)
def test_each_member_exists(type_name: str, member: str) -> None:
    if (type_name, member) in MEMBER_EXCEPTIONS:
        return
    if type_name == "Error":
        assert member in error_members(), f"no error class has {member!r}"
        return
    if type_name in NOT_CLASSES:
        return
    cls = python_class(type_name)
    assert cls is not None, type_name
    found = members_of(cls)
    if issubclass(cls, BaseException):
        found |= set(vars(cls("m")))
    assert member in found, f"{cls.__name__}.{member} is missing"


@pytest.mark.parametrize("option", VOCABULARY["options"])
def test_each_option_is_a_client_keyword(option: str) -> None:
    assert option in stub_client_keywords(), f"_native.pyi: Client({option}=...) is missing"
    if sys.version_info >= (3, 10):  # abi3 classes carry their text signature from 3.10 on
        text = loginbycall.Client.__text_signature__
        assert text is not None and re.search(rf"\b{option}=", text), option


@pytest.mark.parametrize("function", VOCABULARY["functions"])
def test_each_function_exists(function: str) -> None:
    assert callable(getattr(loginbycall, function, None)), function


def check_enum(name: str, values: list[str]) -> None:
    if name == "SignaturePlacement":
        for value in values:
            loginbycall.Client("id", "key", signature_placement=value)
        with pytest.raises(loginbycall.InvalidInput):
            loginbycall.Client("id", "key", signature_placement="in_header")
    elif name == "Encoding":
        for value in values:
            loginbycall.Client("id", "key", encoding=value)
    elif name == "Verdict":
        for value in values:
            assert value in members_of(loginbycall.Verdict), value
    elif name == "ErrorKind":
        assert sorted(errors.KINDS) == sorted(values)
        for kind, cls in errors.KINDS.items():
            assert cls.kind == kind
    elif name == "TransportKind":
        assert sorted(loginbycall.TransportError.KINDS) == sorted(values)
    elif name == "GuardReason":
        assert sorted(loginbycall.GuardRefused.REASONS) == sorted(values)
    elif name == "NumberType":
        # The guard's allowed_number_types, as Client(guard={...}) takes them.
        for value in values:
            loginbycall.Client("id", "key", guard={"allowed_number_types": [value]})
        with pytest.raises(loginbycall.InvalidInput):
            loginbycall.Client("id", "key", guard={"allowed_number_types": ["landline"]})
    elif name == "CallStatus":
        assert sorted(s.name.lower() for s in loginbycall.CallStatus) == sorted(values)
    else:
        raise AssertionError(f"a new enum {name}: say in this test how Python spells its values")


@pytest.mark.parametrize("name", sorted(VOCABULARY["enums"]))
def test_each_enum_value_is_accepted_or_returned(name: str) -> None:
    check_enum(name, VOCABULARY["enums"][name])


def test_old_names_are_gone_but_for_the_documented_aliases() -> None:
    old_names = set(DEPRECATED)
    assert not old_names & set(dir(loginbycall)), "an old name at the package's top"
    assert not old_names & set(stub_client_keywords()), "an old name in Client's signature"
    for old in old_names & set(stub_client_keywords(deprecated=True)):
        assert ALIASES.get(old) == "Client keyword argument", old
    for type_name in VOCABULARY["members"]:
        cls = python_class(type_name)
        if cls is None:
            continue
        found = error_members() if type_name == "Error" else members_of(cls)
        for old in old_names & found:
            if (type_name, old) in MEMBER_EXCEPTIONS:
                continue
            assert ALIASES.get(old) == f"{type_name} property", f"{type_name}.{old}"


def test_each_alias_warns() -> None:
    for old in ALIASES:
        if ALIASES[old] == "Client keyword argument":
            with pytest.warns(DeprecationWarning, match=DEPRECATED[old]):
                options: dict[str, Any] = {old: 5}
                loginbycall.Client("id", "key", **options)
    # The Login property's warning is tested in test_login.py (it needs a login).


def test_old_names_are_written_only_where_an_alias_is_defined() -> None:
    # The plain words (accepted, refused) are also ordinary English and other names' values:
    # the checks above cover them.
    words = [w for w in DEPRECATED if "_" in w or w != w.lower()]
    words += [w.upper() for w in words if w.upper() != w]
    for path in sorted(PACKAGE.rglob("*.py*")):
        if path.suffix not in (".py", ".pyi"):
            continue
        relative = path.relative_to(PACKAGE).as_posix()
        text = path.read_text(encoding="utf-8")
        for word in words:
            if re.search(rf"\b{re.escape(word)}\b", text):
                assert relative in ALIAS_FILES.get(word, set()), f"{relative} writes {word}"


def test_the_readme_lists_every_alias() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("### Old names kept for one release")
    section = readme[start : readme.index("\n#", start)]
    for old in [*ALIASES, *ALIAS_FILES, "HttpError.status"]:
        assert f"`{old}" in section or f".{old}`" in section, old
