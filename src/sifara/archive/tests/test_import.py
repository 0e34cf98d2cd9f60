"""Bulk import: a CSV of metadata plus folders of files. Bad rows and bad
files are refused with a reason while the rest goes in; re-running creates
nothing twice; nothing stored is harmed by a refusal."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest

from sifara.archive import samples
from sifara.archive.importer import archive_import
from sifara.archive.models import Agreement, ArchiveFile
from sifara.cli import main

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("legal_unit", "trade_ministry")]

HEADER = [
    "reference",
    "type",
    "title_ar",
    "title_en",
    "countries",
    "ministries",
    "topics",
    "signed_on",
    "entry_into_force",
    "expires_on",
    "status",
    "un_registration",
    "files",
]


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


@pytest.fixture
def old_archive(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "archive"
    (root / "texts").mkdir(parents=True)
    (root / "texts" / "trade_ar.txt").write_text(
        "نص اتفاقية التجارة الموقعة بين البلدين", encoding="utf-8"
    )
    (root / "texts" / "trade_en.pdf").write_bytes(
        samples.pdf_from_paragraphs(["Trade agreement between the two countries."], rtl=False)
    )
    folder = root / "AGR-4"
    folder.mkdir()
    (folder / "note-verbale-2019.txt").write_text(
        "Note verbale about ratification", encoding="utf-8"
    )
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.7\n%%broken")
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("a.txt", "x")
    (folder / "renamed.docx").write_bytes(zipped.getvalue())
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (root / "misc").mkdir()
    (root / "misc" / "orphan.txt").write_text("No agreement for me", encoding="utf-8")
    metadata = root / "metadata.csv"
    _write_csv(
        metadata,
        [
            [
                "AGR-1",
                "agreement",
                "اتفاقية التجارة",
                "Trade agreement",
                "EG",
                "pm-trade",
                "trade",
                "2019-05-01",
                "2019-06-01",
                "2029-06-01",
                "in_force",
                "",
                "texts/trade_ar.txt;texts/trade_en.pdf",
            ],
            [
                "AGR-2",
                "mou",
                "مذكرة",
                "MoU with nowhere",
                "XX",
                "",
                "",
                "2020-01-01",
                "",
                "",
                "signed",
                "",
                "",
            ],
            [
                "AGR-3",
                "treaty",
                "معاهدة",
                "Backwards treaty",
                "FR",
                "",
                "",
                "2020-05-01",
                "2020-04-01",
                "",
                "in_force",
                "",
                "",
            ],
            [
                "AGR-4",
                "convention",
                "اتفاقية",
                "Convention on shipping",
                "",
                "",
                "transport",
                "2018-01-01",
                "",
                "",
                "in_force",
                "I:100",
                "",
            ],
            [
                "AGR-5",
                "convention",
                "اتفاقية أخرى",
                "Same number",
                "",
                "",
                "",
                "2018-01-01",
                "",
                "",
                "in_force",
                "I:100",
                "",
            ],
        ],
    )
    return root, metadata


def _reasons(report) -> dict[str, str]:
    return {item["item"]: item["reason"] for item in report.refused}


def test_import_takes_what_it_can_and_says_why_for_the_rest(old_archive):
    root, metadata = old_archive
    report = archive_import(paths=[root], metadata=metadata)
    assert report.created == 2  # AGR-1 and AGR-4
    assert set(Agreement.objects.values_list("reference", flat=True)) == {"AGR-1", "AGR-4"}
    reasons = _reasons(report)
    assert "XX" in reasons["row 3"]
    assert "before the date of signature" in reasons["row 4"]
    assert "I:100" in reasons["row 6"]
    assert "empty" in reasons["AGR-4/empty.pdf"]
    assert "damaged" in reasons["AGR-4/corrupt.pdf"]
    assert "ZIP archive renamed .docx" in reasons["AGR-4/renamed.docx"]
    assert "not accepted" in reasons["AGR-4/photo.jpg"]
    assert "No agreement for this file" in reasons["misc/orphan.txt"]
    agr1 = Agreement.objects.get(reference="AGR-1")
    names = sorted(agr1.files.values_list("original_name", "language"))
    assert names == [("trade_ar.txt", "ar"), ("trade_en.pdf", "en")]
    assert "Trade agreement between" in agr1.files.get(language="en").text
    note = Agreement.objects.get(reference="AGR-4").files.get()
    assert note.role == "note_verbale"
    assert report.files_added == 3


def test_re_running_the_import_creates_no_duplicates(old_archive):
    root, metadata = old_archive
    archive_import(paths=[root], metadata=metadata)
    files_before = list(ArchiveFile.objects.order_by("id").values_list("id", "sha256"))
    again = archive_import(paths=[root], metadata=metadata)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert again.files_added == 0 and again.files_already_there == 3
    assert list(ArchiveFile.objects.order_by("id").values_list("id", "sha256")) == files_before
    assert Agreement.objects.count() == 2


def test_a_changed_row_updates_the_record_and_a_bad_row_harms_nothing(old_archive):
    root, metadata = old_archive
    archive_import(paths=[root], metadata=metadata)
    _write_csv(
        metadata,
        [
            [
                "AGR-1",
                "agreement",
                "اتفاقية التجارة",
                "Trade agreement (amended title)",
                "EG",
                "pm-trade",
                "trade",
                "2019-05-01",
                "2019-06-01",
                "2029-06-01",
                "in_force",
                "",
                "",
            ],
            [
                "AGR-4",
                "convention",
                "اتفاقية",
                "Convention on shipping",
                "ZZ",
                "",
                "",
                "2018-01-01",
                "",
                "",
                "in_force",
                "I:100",
                "",
            ],
        ],
    )
    report = archive_import(paths=[metadata], metadata=metadata)
    assert report.updated == 1
    assert Agreement.objects.get(reference="AGR-1").title_en == "Trade agreement (amended title)"
    assert "ZZ" in _reasons(report)["row 3"]
    shipping = Agreement.objects.get(reference="AGR-4")
    assert shipping.parties.count() == 0 and shipping.un_registration == "I:100"


def test_cli_reports_json_and_exit_code(old_archive, capsys):
    root, metadata = old_archive
    code = main(["archive", "import", str(root), "--metadata", str(metadata), "--format", "json"])
    assert code == 1  # some items refused
    report = json.loads(capsys.readouterr().out)
    assert report["created"] == 2 and len(report["refused"]) == 8
    assert main(["archive", "import", str(root / "nowhere")]) == 2


def test_imported_texts_are_searchable(old_archive, django_capture_on_commit_callbacks):
    from sifara.archive import selectors

    root, metadata = old_archive
    with django_capture_on_commit_callbacks(execute=True):
        archive_import(paths=[root], metadata=metadata)
    page = selectors.agreement_search_for_user(user=None, query="الموقعة")
    assert [row.agreement.reference for row in page.rows] == ["AGR-1"]
    assert sorted(page.rows[0].files) == ["trade_ar.txt", "trade_en.pdf"]
