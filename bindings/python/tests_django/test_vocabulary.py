"""The app's settings name the SDK's options as the SDK does, in UPPER_SNAKE (issue 14): each
``LOGINBYCALL`` key that stands for a ``loginbycall.Client`` option is that option's name from the
repository's ``vocabulary.json``, and an old name is only a deprecated key the README lists."""

from __future__ import annotations

import json
from typing import Any

from conftest import REPO
from loginbycall.django.conf import CLIENT_SETTINGS, DEPRECATED_KEYS, KNOWN_KEYS

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

#: The options the app exposes as settings of their own (the rest go in CLIENT_OPTIONS).
EXPOSED = {
    "call_api_id",
    "api_key",
    "base_url",
    "signature_placement",
    "default_region",
    "deadline",
    "max_attempts",
    "ttl",
    "store",
    "guard",
}


def test_each_client_setting_is_an_option_of_the_vocabulary() -> None:
    options = set(VOCABULARY["options"])
    for key in CLIENT_SETTINGS:
        assert key == key.upper() and key.lower() in options, key


def test_the_exposed_options_are_settings() -> None:
    assert EXPOSED <= set(VOCABULARY["options"])
    assert {key.lower() for key in CLIENT_SETTINGS} == EXPOSED


def test_a_key_that_names_an_option_is_spelled_as_the_option() -> None:
    options = set(VOCABULARY["options"])
    # Deprecated keys are scoped ("options.login_ttl"): the old name is the last part.
    old_names = {
        old.rsplit(".", 1)[-1].upper(): new.upper() for old, new in VOCABULARY["deprecated"].items()
    }
    for key in KNOWN_KEYS:
        if key in old_names:
            assert DEPRECATED_KEYS.get(key) == old_names[key], key
        elif key.lower() in options:
            assert key in CLIENT_SETTINGS, key


def test_each_deprecated_key_is_listed_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("### Old names kept for one release")
    section = readme[start : readme.index("\n#", start)]
    for old, new in DEPRECATED_KEYS.items():
        assert f"`{old}`" in section and f"`{new}`" in section, old
