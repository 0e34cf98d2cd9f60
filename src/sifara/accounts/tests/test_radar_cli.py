"""``sifara accounts screen``: CSV input, bad rows, JSON output schema."""

from __future__ import annotations

import argparse
import json

import pytest

from sifara.accounts.models import AccountStatus, OfficialAccount, Platform
from sifara.accounts.radar.cli import run_screen_cli
from sifara.accounts.radar.evaluate import avatar_image
from sifara.directory.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry_rows() -> None:
    unit = UnitFactory(code="hq-digital-radar")
    x = Platform.objects.get(code="x")
    OfficialAccount.objects.create(
        unit=unit,
        platform=x,
        handle="mfa_demo",
        display_name_ar="وزارة الخارجية",
        display_name_en="Ministry of Foreign Affairs of Demo",
        status=AccountStatus.DOCUMENTED,
        website="https://mfa.gov.dm",
    )
    OfficialAccount.objects.create(
        unit=unit,
        platform=x,
        handle="demo_embassy_tokyo",
        display_name_ar="سفارة ديمو في طوكيو",
        display_name_en="Embassy of Demo in Tokyo",
        status=AccountStatus.PENDING,
    )
    OfficialAccount.objects.create(
        unit=unit, platform=x, handle="old_retired", status=AccountStatus.RETIRED
    )


def _args(path, fmt: str = "json", dry_run: bool = True, threshold=None) -> argparse.Namespace:
    return argparse.Namespace(file=str(path), format=fmt, dry_run=dry_run, threshold=threshold)


def test_json_output_schema(tmp_path, capsys, registry_rows) -> None:
    csv_file = tmp_path / "c.csv"
    csv_file.write_text(
        "platform,handle,display_name,followers,created\n"
        "x,mfa_dem0,,12,2025-12-30\n"
        "x,@mfa_demo,,,\n"
        "x,https://x.com/usembassytokyo,U.S. Embassy Tokyo,50000,2012-01-01\n"
        "x,old_retired1,,,\n",
        encoding="utf-8",
    )
    assert run_screen_cli(_args(csv_file)) == 0
    items = json.loads(capsys.readouterr().out)
    assert len(items) == 4
    for item in items:
        assert {"platform", "handle", "flagged", "score", "matched_account", "reasons"} <= set(item)
        assert "reasons_ar" in item
        assert 0 <= item["score"] <= 1 and round(item["score"], 3) == item["score"]
    assert items[0]["flagged"] and items[0]["matched_account"] == "mfa_demo"
    assert items[0]["reasons"] and items[0]["reasons_ar"]
    assert not items[1]["flagged"] and items[1]["matched_account"] is None  # the official itself
    assert not items[2]["flagged"]
    assert not items[3]["flagged"]  # retired accounts are not screened against


def test_bad_rows_are_reported_not_fatal(tmp_path, capsys, registry_rows) -> None:
    (tmp_path / "avatar.txt").write_text("not an image")
    avatar_image(7).save(tmp_path / "ok.png")
    csv_file = tmp_path / "c.csv"
    csv_file.write_text(
        "platform,handle,avatar,followers,extra\n"
        "myspace,someone,,,\n"
        "x,!!!not a handle!!!,,,\n"
        "x,mfa_demo_official,avatar.txt,lots,\n"
        "x,nice_person,ok.png,10,\n"
        "x,mfа_demo,,,\n",  # Cyrillic а: kept, it is what we hunt
        encoding="utf-8",
    )
    assert run_screen_cli(_args(csv_file)) == 1
    captured = capsys.readouterr()
    items = json.loads(captured.out)
    assert [i["handle"] for i in items] == ["mfa_demo_official", "nice_person", "mfа_demo"]
    assert "avatar unreadable" in items[0]["reasons"]
    assert items[0]["flagged"]
    assert items[2]["flagged"]
    assert "row 2: unknown platform" in captured.err
    assert "row 3: invalid handle" in captured.err
    assert "not a number" in captured.err
    assert "ignored unknown column" in captured.err


def test_missing_columns_exit_2(tmp_path, capsys) -> None:
    csv_file = tmp_path / "c.csv"
    csv_file.write_text("name,followers\nfoo,1\n", encoding="utf-8")
    assert run_screen_cli(_args(csv_file)) == 2
    assert "missing required column" in capsys.readouterr().err
    assert run_screen_cli(_args(tmp_path / "nope.csv")) == 2


def test_encodings_bom_and_cp1256(tmp_path, capsys, registry_rows) -> None:
    body = "platform,handle,display_name,created\nx,user9,وزارة الخارجية,2026-01-01\n"
    for name, data in (
        ("bom.csv", b"\xef\xbb\xbf" + body.encode("utf-8")),
        ("ansi.csv", body.encode("cp1256")),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        assert run_screen_cli(_args(path)) == 0
        items = json.loads(capsys.readouterr().out)
        assert items[0]["handle"] == "user9"
        assert any("وزارة الخارجية" in r for r in items[0]["reasons"])


def test_text_format(tmp_path, capsys, registry_rows) -> None:
    csv_file = tmp_path / "c.csv"
    csv_file.write_text("platform,handle\nx,mfa_dem0\n", encoding="utf-8")
    assert run_screen_cli(_args(csv_file, fmt="text")) == 0
    out = capsys.readouterr().out
    assert "mfa_dem0" in out and "YES" in out and "1 flagged" in out


def test_avatar_outside_the_csv_folder_is_not_read(tmp_path, capsys, registry_rows) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    avatar_image(3).save(outside / "secret.png")
    folder = tmp_path / "batch"
    folder.mkdir()
    csv_file = folder / "c.csv"
    csv_file.write_text(
        "platform,handle,avatar\nx,mfa_demo_news,../elsewhere/secret.png\n", encoding="utf-8"
    )
    run_screen_cli(_args(csv_file))
    items = json.loads(capsys.readouterr().out)
    assert "avatar unreadable" in items[0]["reasons"]
