"""Envelope encryption (core.crypto) and `sifara keys rotate`: nothing is lost,
nothing is readable with the wrong key, rotation needs no downtime."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings

from sifara.audit.models import AuditEvent
from sifara.cables import content
from sifara.cables.models import Cable
from sifara.cables.tests import factories as f
from sifara.cables.tests.conftest import world  # noqa: F401 - fixture
from sifara.cli import main
from sifara.core import crypto
from sifara.core.models import Classification, DataKey
from sifara.settings.keys import decode_key, encode_key

pytestmark = pytest.mark.django_db

OLD = b"m" * 32  # the test profile's master key
NEW = b"n" * 32


def _sealed(text: str = "classified words") -> tuple[DataKey, bytes]:
    key = crypto.new_data_key(purpose="test")
    return key, crypto.encrypt_text(text, key=key, context=b"test:1:body")


def test_round_trip_and_context_binding() -> None:
    key, blob = _sealed()
    assert crypto.decrypt_text(blob, key=key, context=b"test:1:body") == "classified words"
    assert b"classified" not in blob and b"classified" not in bytes(key.wrapped)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(blob, key=key, context=b"test:2:body")  # moved to another record
    other = crypto.new_data_key(purpose="test")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(blob, key=other, context=b"test:1:body")  # another record's key


def test_tampering_is_detected() -> None:
    key, blob = _sealed()
    changed = bytearray(blob)
    changed[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(bytes(changed), key=key, context=b"test:1:body")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(b"short", key=key, context=b"test:1:body")
    # A wrapped key copied onto another key row does not unwrap (its uid is bound).
    other = crypto.new_data_key(purpose="test")
    other.wrapped = key.wrapped
    with pytest.raises(crypto.DecryptionError):
        crypto.unwrap(other)


def test_unknown_master_key_is_unreadable_not_wrong() -> None:
    key, blob = _sealed()
    with (
        override_settings(SIFARA_MASTER_KEY=NEW, SIFARA_PREVIOUS_MASTER_KEYS=[]),
        pytest.raises(crypto.DecryptionError),
    ):
        crypto.decrypt(blob, key=DataKey.objects.get(pk=key.pk), context=b"test:1:body")


def test_rotation_round_trip_without_downtime() -> None:
    keys = [_sealed(f"text {i}") for i in range(5)]
    with override_settings(SIFARA_MASTER_KEY=NEW, SIFARA_PREVIOUS_MASTER_KEYS=[OLD]):
        # Deployed with the new key and the old one as "previous": everything still reads.
        for key, blob in keys:
            assert crypto.decrypt(blob, key=DataKey.objects.get(pk=key.pk), context=b"test:1:body")
        report = crypto.rotate(batch_size=2)
        assert (report.rewrapped, report.already_current, report.failed) == (5, 0, 0)
        again = crypto.rotate()
        assert (again.rewrapped, again.already_current) == (0, 5)  # idempotent, resumable
    with override_settings(SIFARA_MASTER_KEY=NEW, SIFARA_PREVIOUS_MASTER_KEYS=[]):
        # The old key can now be dropped: nothing is lost.
        for index, (key, blob) in enumerate(keys):
            fresh = DataKey.objects.get(pk=key.pk)
            assert fresh.master_key_id == crypto.key_id(NEW)
            assert crypto.decrypt_text(blob, key=fresh, context=b"test:1:body") == f"text {index}"


def test_rotation_counts_and_leaves_an_unreadable_key_untouched() -> None:
    good, _blob = _sealed()
    bad, _ = _sealed()
    broken = bytearray(bytes(bad.wrapped))
    broken[-1] ^= 1
    DataKey.objects.filter(pk=bad.pk).update(wrapped=bytes(broken))
    with override_settings(SIFARA_MASTER_KEY=NEW, SIFARA_PREVIOUS_MASTER_KEYS=[OLD]):
        report = crypto.rotate()
    assert (report.rewrapped, report.failed) == (1, 1)
    assert bytes(DataKey.objects.get(pk=bad.pk).wrapped) == bytes(broken)
    assert DataKey.objects.get(pk=good.pk).master_key_id == crypto.key_id(NEW)


def test_keys_rotate_command_rewraps_cable_keys_and_cables_stay_intact(
    world: Any,  # noqa: F811
    capsys: Any,
) -> None:
    cable = f.released(
        world.desk,
        world.hq,
        world.head,
        action=[world.london],
        classification=Classification.CONFIDENTIAL,
        body="rotation body",
    )
    with override_settings(SIFARA_MASTER_KEY=NEW, SIFARA_PREVIOUS_MASTER_KEYS=[OLD]):
        assert main(["keys", "rotate"]) == 0
        assert "data keys re-wrapped" in capsys.readouterr().out
    event = AuditEvent.objects.filter(action="keys.rotate").latest("seq")
    assert event.details["failed"] == 0 and event.details["rewrapped"] >= 2  # cable + unit key
    with override_settings(SIFARA_MASTER_KEY=NEW, SIFARA_PREVIOUS_MASTER_KEYS=[]):
        opened = content.open_cable(Cable.objects.get(pk=cable.pk))
        assert opened.integrity == content.INTACT
        assert opened.paragraphs[0]["text"] == "rotation body"
        # The unit's signing key (sealed with core.crypto) still signs after rotation.
        later = f.released(
            world.desk,
            world.hq,
            world.head,
            action=[world.london],
            classification=Classification.CONFIDENTIAL,
        )
        assert content.open_cable(Cable.objects.get(pk=later.pk)).integrity == content.INTACT


def test_keys_rotate_command_exits_1_when_a_key_is_unreadable(capsys: Any) -> None:
    bad, _ = _sealed()
    DataKey.objects.filter(pk=bad.pk).update(wrapped=b"\0" * 60)
    with override_settings(SIFARA_MASTER_KEY=NEW, SIFARA_PREVIOUS_MASTER_KEYS=[OLD]):
        assert main(["keys", "rotate"]) == 1
    assert "1 unreadable" in capsys.readouterr().out


def test_keys_rotate_generate_writes_new_key_and_keeps_the_old(
    tmp_path: Path, capsys: Any, monkeypatch: Any
) -> None:
    monkeypatch.delenv("SIFARA_MASTER_KEY", raising=False)
    key_file, previous_file = tmp_path / "master.key", tmp_path / "master.previous"
    key_file.write_text(encode_key(OLD) + "\n")
    key, blob = _sealed("generated rotation")
    with override_settings(
        MASTER_KEY_FILE=key_file, PREVIOUS_MASTER_KEYS_FILE=previous_file, SIFARA_MASTER_KEY=OLD
    ):
        assert main(["keys", "rotate", "--generate"]) == 0
    fresh = decode_key("test", key_file.read_text())
    assert fresh != OLD
    assert [decode_key("test", line) for line in previous_file.read_text().split()] == [OLD]
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert previous_file.stat().st_mode & 0o777 == 0o600
    with override_settings(SIFARA_MASTER_KEY=fresh, SIFARA_PREVIOUS_MASTER_KEYS=[]):
        stored = DataKey.objects.get(pk=key.pk)
        assert crypto.decrypt_text(blob, key=stored, context=b"test:1:body") == "generated rotation"
    assert connection.vendor in {"sqlite", "postgresql"}


def test_generate_is_refused_outside_the_embedded_profile(capsys: Any) -> None:
    assert main(["keys", "rotate", "--generate"]) == 2
    assert "--generate works only" in capsys.readouterr().err
