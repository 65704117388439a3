"""English and Russian: the pages in both, and the shipped catalog complete and compiled."""

from __future__ import annotations

import gettext
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import loginbycall.django
import pytest
from conftest import code_of, need, phone, start, submit, wrong
from django.test import Client
from django.urls import reverse
from loginbycall.testing import Sandbox

pytestmark = pytest.mark.django_db

APP = Path(loginbycall.django.__file__).parent
PO = APP / "locale/ru/LC_MESSAGES/django.po"
MO = APP / "locale/ru/LC_MESSAGES/django.mo"


def read_po(path: Path) -> dict[str, list[str]]:
    """``{msgid: [msgstr, ...]}`` of a .po file (a plural entry is keyed by its singular)."""
    entries: dict[str, list[str]] = {}
    context = ""
    msgid: list[str] = []
    strings: list[str] = []
    target: list[str] = msgid

    def flush() -> None:
        if msgid:
            entries[msgid[0]] = list(strings)
            msgid.clear()

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith('"'):
            target[-1] += _unquote(line)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword == "msgctxt":
            flush()
            msgid, strings = [], []
            context = _unquote(rest) + "\x04"  # as gettext keys a message with a context
        elif keyword == "msgid":
            if msgid:
                flush()
            msgid, strings = [context + _unquote(rest)], []
            context = ""
            target = msgid
        elif keyword == "msgid_plural":
            target = [_unquote(rest)]
        elif keyword.startswith("msgstr"):
            strings.append(_unquote(rest))
            target = strings
    flush()
    return entries


def _unquote(text: str) -> str:
    body = text.strip()[1:-1]
    return body.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def test_english_is_the_default(client: Client, sandbox: Sandbox) -> None:
    assert "Log in by phone call" in client.get(reverse("loginbycall:phone")).content.decode()


def test_the_pages_speak_russian(client: Client, sandbox: Sandbox) -> None:
    russian: dict[str, Any] = {"HTTP_ACCEPT_LANGUAGE": "ru"}
    page = client.get(reverse("loginbycall:phone"), **russian).content.decode()
    assert '<html lang="ru">' in page
    assert "Войти по звонку" in page and "Позвоните мне" in page
    number = phone()
    start(client, number, **russian)
    page = client.get(reverse("loginbycall:code"), **russian).content.decode()
    assert "Ожидаем звонок с номера" in page
    assert "Последние 4 цифры номера, с которого позвонили" in page
    status = client.get(reverse("loginbycall:status"), **russian).json()
    assert status["message"].startswith("Звонок дошёл до вашего телефона. Введите последние 4 цифры")
    wrong_page = submit(client, wrong(code_of(sandbox, number)), **russian).content.decode()
    assert "Неверные цифры. Осталось 2 попытки." in wrong_page
    busy = phone(8)
    start(client, busy, **russian)
    status = client.get(reverse("loginbycall:status"), **russian).json()
    assert "Ваша линия была занята" in status["message"]


def test_every_text_has_a_russian_translation() -> None:
    entries = read_po(PO)
    assert len(entries) > 40
    for msgid, translations in entries.items():
        if msgid == "":
            continue
        assert translations and all(translations), f"untranslated: {msgid!r}"


def test_the_compiled_catalog_matches_the_po_file() -> None:
    with MO.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    for msgid, translations in read_po(PO).items():
        if msgid == "":
            continue
        if len(translations) == 1:
            assert catalog.gettext(msgid) == translations[0], msgid
        else:
            # 1, 2 and 5 are Russian's "one", "few" and "many".
            for count, form in zip((1, 2, 5), translations):
                assert catalog.ngettext(msgid, msgid + "s", count) == form, (msgid, count)


def test_the_catalog_has_every_text_of_the_code_and_templates(tmp_path: Path) -> None:
    need(shutil.which("xgettext") is not None, "xgettext (Debian's gettext) is not installed")
    copy = tmp_path / "app"
    shutil.copytree(APP, copy, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "ru",
            "--no-location",
            "--no-wrap",
            "--no-obsolete",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": ""},
    )
    found = set(read_po(copy / "locale/ru/LC_MESSAGES/django.po")) - {""}
    shipped = set(read_po(PO)) - {""}
    assert found == shipped
