"""The Arabic catalogue is complete, not fuzzy, and keeps every placeholder."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

PO = Path(__file__).resolve().parents[1] / "src/sifara/locale/ar/LC_MESSAGES/django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}|%[sd]")


def _messages():
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="ar")
    return [m for m in catalog if m.id]


def test_every_message_is_translated_and_not_fuzzy():
    missing = []
    for message in _messages():
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if "fuzzy" in message.flags or not all(strings):
            missing.append(message.id)
    assert not missing, missing


def test_arabic_plural_forms_are_complete():
    plurals = [m for m in _messages() if m.pluralizable]
    assert plurals
    for message in plurals:
        assert len(message.string) == 6, message.id


def test_placeholders_survive_translation():
    broken = []
    for message in _messages():
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1]))
        for translated in strings:
            found = set(PLACEHOLDER.findall(translated))
            # Arabic zero/one/two plural forms may spell the number out.
            ok = found <= expected if message.pluralizable else found == expected
            if not ok:
                broken.append((ids[0], translated))
    assert not broken, broken
