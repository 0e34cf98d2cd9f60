"""``sifara accounts import``: encodings, columns, per-row errors, duplicates, avatars."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from sifara.accounts import importer
from sifara.accounts.models import OfficialAccount
from sifara.audit.models import AuditEvent
from sifara.cli import main

pytestmark = pytest.mark.django_db

HEADER = "unit,platform,handle,url,display_name_ar,display_name_en,status,avatar\n"


def write_png(path: Path) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (48, 48), "green").save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["accounts", "import", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_good_bad_and_duplicate_rows(tmp_path, capsys, mission, hq_unit):
    write_png(tmp_path / "tokyo.png")
    (tmp_path / "fake.png").write_bytes(b"this is not an image")
    csv_text = HEADER + (
        "emb-tokyo,x,https://twitter.com/Demo_Embassy_Tokyo?s=20,,السفارة في طوكيو,"
        "Embassy in Tokyo,documented,tokyo.png\n"  # line 2: good, with avatar
        "Embassy in Tokyo,facebook,@demo_embassy_tokyo,,,,,\n"  # line 3: unit by English name
        "السفارة في طوكيو,instagram,demo_embassy_tokyo,,,,pending,\n"  # line 4: by Arabic name
        "emb-tokyo,x,x.com/demo_embassy_tokyo,,,,,\n"  # line 5: duplicate of line 2
        "no-such-unit,x,demo_nowhere,,,,,\n"  # line 6: unknown unit
        "emb-tokyo,myspace,demo,,,,,\n"  # line 7: unknown platform
        "emb-tokyo,x,https://t.me/demo_channel,,,,,\n"  # line 8: another platform's URL
        "emb-tokyo,youtube,@demo_tokyo_tv,,,,,fake.png\n"  # line 9: avatar not an image
        "emb-tokyo,tiktok,@demo_tokyo,,,,archived,\n"  # line 10: unknown status
        ",,,,,,,\n"  # blank line: skipped
        "emb-tokyo,telegram,,,,,,\n"  # line 12: empty handle
    )
    path = tmp_path / "registry.csv"
    path.write_text(csv_text, encoding="utf-8")
    code, out, _err = run(capsys, str(path), "--format", "json")
    report = json.loads(out)
    assert code == 1
    assert (report["created"], report["updated"]) == (3, 0)
    assert [e["row"] for e in report["errors"]] == [5, 6, 7, 8, 9, 10, 12]
    assert "line 2" in report["errors"][0]["error"]
    tokyo = OfficialAccount.objects.get(platform__code="x", handle="demo_embassy_tokyo")
    assert tokyo.status == "documented" and tokyo.documented_on is not None
    assert tokyo.profile_image_phash and tokyo.display_name_ar == "السفارة في طوكيو"
    assert OfficialAccount.objects.count() == 3
    assert not OfficialAccount.objects.filter(platform__code="youtube").exists()
    event = AuditEvent.objects.filter(action="accounts.account_created").first()
    assert event is not None and event.actor_label.startswith("cli:")

    # Importing again: nothing duplicated; a changed name is an update.
    path.write_text(
        HEADER + "emb-tokyo,x,@demo_embassy_tokyo,,,Embassy of Demo in Tokyo,,\n"
        "hq-it,facebook,demo_embassy_tokyo,,,,,\n",  # registered to another unit
        encoding="utf-8",
    )
    code, out, _err = run(capsys, str(path), "--format", "json")
    report = json.loads(out)
    assert (report["created"], report["updated"]) == (0, 1)
    assert report["errors"][0]["row"] == 3
    assert OfficialAccount.objects.count() == 3
    tokyo.refresh_from_db()
    assert tokyo.display_name_en == "Embassy of Demo in Tokyo"


def test_cp1256_and_bom_files(tmp_path, capsys, mission):
    rows = HEADER + "السفارة في طوكيو,x,demo_embassy_tokyo,,السفارة في طوكيو,,,\n"
    cp = tmp_path / "excel.csv"
    cp.write_bytes(rows.encode("cp1256"))
    code, out, _err = run(capsys, str(cp), "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["created"] == 1 and report["encoding"] == "cp1256"
    assert OfficialAccount.objects.get().display_name_ar == "السفارة في طوكيو"
    bom = tmp_path / "bom.csv"
    bom.write_bytes(
        b"\xef\xbb\xbf" + (HEADER + "emb-tokyo,facebook,demo_embassy_tokyo,,,,,\n").encode()
    )
    code, out, _err = run(capsys, str(bom), "--format", "json")
    assert code == 0 and json.loads(out)["created"] == 1


def test_missing_columns_exit_2_and_extra_columns_warn(tmp_path, capsys, mission):
    missing = tmp_path / "missing.csv"
    missing.write_text("unit,platform\nemb-tokyo,x\n", encoding="utf-8")
    code, _out, err = run(capsys, str(missing))
    assert code == 2 and "handle" in err
    assert not OfficialAccount.objects.exists()
    extra = tmp_path / "extra.csv"
    extra.write_text("unit,platform,handle,followers\nemb-tokyo,x,demo_tokyo,12\n", "utf-8")
    code, out, err = run(capsys, str(extra))
    assert code == 0 and "followers" in err and "1 created" in out
    code, _out, err = run(capsys, str(tmp_path / "nope.csv"))
    assert code == 2


def test_avatar_outside_the_folder_is_refused(tmp_path, capsys, mission):
    outside = tmp_path / "outside.png"
    write_png(outside)
    folder = tmp_path / "csv"
    folder.mkdir()
    path = folder / "r.csv"
    path.write_text(HEADER + "emb-tokyo,x,demo_tokyo,,,,,../outside.png\n", encoding="utf-8")
    code, out, _err = run(capsys, str(path), "--format", "json")
    assert code == 1 and json.loads(out)["errors"][0]["row"] == 2
    assert not OfficialAccount.objects.exists()


def test_service_requires_permission_for_users(make_user, mission):
    diplomat = make_user(roles=[("diplomat", mission)])
    from sifara.core.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        importer.official_accounts_import(data=HEADER.encode(), actor=diplomat)
