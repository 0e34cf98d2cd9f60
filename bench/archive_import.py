"""Benchmark: bulk import of an existing archive (`sifara archive import`).

Usage: python bench/archive_import.py [--agreements N] [--quick]

Generates an old archive in a temporary folder: a metadata CSV with N
agreements, each with an Arabic plain-text signed text and an English HTML
text, every tenth with an Arabic born-digital PDF (WeasyPrint), plus a few bad
files (empty, a ZIP renamed .docx, a corrupt PDF). It imports it into a fresh
embedded (SQLite, WAL) database in a new temporary data directory, then
imports it again (idempotent: nothing new). It reports agreements and files
per second for both runs and the time of one search over the result. Text is
extracted inline (as the import does); search indexing runs through the
queue's immediate mode, so its cost is included. OCR is not exercised (scans
are timed per page in decision 0018). The last line is JSON.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

TOPICS = ["trade", "energy", "health", "culture", "consular", "security", "education"]
COUNTRIES = ["EG", "SA", "AE", "JO", "MA", "TN", "FR", "DE", "GB", "JP", "CN", "US", "BR", "KE"]
WORDS_AR = [
    "تتعاون",
    "الأطراف",
    "في",
    "مجالات",
    "الطاقة",
    "المتجددة",
    "والاستثمار",
    "والتجارة",
    "والتعليم",
    "والصحة",
    "العامة",
    "وتبادل",
    "الخبرات",
    "الفنية",
    "وتدريب",
    "الكوادر",
    "وتشجيع",
    "الشركات",
    "على",
    "المشاركة",
    "في",
    "المعارض",
]
WORDS_EN = [
    "the",
    "parties",
    "shall",
    "cooperate",
    "in",
    "renewable",
    "energy",
    "investment",
    "trade",
    "education",
    "public",
    "health",
    "and",
    "the",
    "exchange",
    "of",
    "technical",
    "expertise",
    "training",
    "and",
    "trade",
    "fairs",
]


def _text(words: list[str], seed: int, count: int = 400) -> str:
    return " ".join(words[(seed * 7 + i * 13) % len(words)] for i in range(count))


def build_archive(root: Path, agreements: int) -> Path:
    from sifara.archive import samples

    pdf = samples.pdf_from_paragraphs([_text(WORDS_AR, 1, 60), _text(WORDS_AR, 2, 60)])
    texts = root / "texts"
    texts.mkdir(parents=True)
    rows = []
    for index in range(agreements):
        ref = f"OLD-{index:05d}"
        names = [f"{ref}_ar.txt", f"{ref}_en.html"]
        (texts / names[0]).write_text(f"{ref}\n{_text(WORDS_AR, index)}", encoding="utf-8")
        (texts / names[1]).write_text(
            f"<html><body><h1>{ref}</h1><p>{_text(WORDS_EN, index)}</p></body></html>",
            encoding="utf-8",
        )
        if index % 10 == 0:
            names.append(f"{ref}_ar.pdf")
            # Same page, different bytes (so each one is a new file).
            (texts / names[-1]).write_bytes(pdf + f"\n% {ref}\n".encode())
        year = 1995 + index % 30
        rows.append(
            {
                "reference": ref,
                "type": ["agreement", "mou", "protocol", "convention"][index % 4],
                "title_ar": f"اتفاقية التعاون رقم {index} في مجال {WORDS_AR[index % len(WORDS_AR)]}",
                "title_en": f"Cooperation agreement No. {index} on {WORDS_EN[index % len(WORDS_EN)]}",
                "countries": COUNTRIES[index % len(COUNTRIES)],
                "topics": TOPICS[index % len(TOPICS)],
                "signed_on": f"{year}-0{1 + index % 9}-1{index % 9}",
                "status": "in_force",
                "un_registration": f"I:{10000 + index}" if index % 3 == 0 else "",
                "files": ";".join(f"texts/{n}" for n in names),
            }
        )
    bad = root / rows[0]["reference"]
    bad.mkdir()
    (bad / "empty.pdf").write_bytes(b"")
    (bad / "corrupt.pdf").write_bytes(b"%PDF-1.7 broken")
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("x.txt", "x")
    (bad / "renamed.docx").write_bytes(zipped.getvalue())
    metadata = root / "metadata.csv"
    with metadata.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return metadata


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--agreements", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="150 agreements")
    args = parser.parse_args()
    agreements = 150 if args.quick else args.agreements
    data_dir = tempfile.mkdtemp(prefix="sifara-bench-")
    os.environ["SIFARA_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "sifara.settings.embedded"
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("SIFARA_REDIS_URL", None)
    import django

    django.setup()
    import logging

    logging.disable(logging.WARNING)  # per-task queue logs would drown the figures
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True  # index inline, as a worker would right after the commit
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from sifara.archive import selectors
    from sifara.archive.importer import archive_import
    from sifara.archive.models import Agreement, ArchiveFile
    from sifara.directory.demo import load_organisation

    load_organisation()
    root = Path(tempfile.mkdtemp(prefix="sifara-bench-archive-"))
    metadata = build_archive(root, agreements)
    files = sum(1 for p in root.rglob("*") if p.is_file()) - 1
    start = time.perf_counter()
    first = archive_import(paths=[root], metadata=metadata, actor_label="bench")
    first_s = time.perf_counter() - start
    start = time.perf_counter()
    second = archive_import(paths=[root], metadata=metadata, actor_label="bench")
    second_s = time.perf_counter() - start
    assert first.created == agreements and second.created == 0 and second.files_added == 0
    assert len(first.refused) == 3 and Agreement.objects.count() == agreements
    start = time.perf_counter()
    page = selectors.agreement_search_for_user(user=None, query="الطاقة المتجددة", limit=10)
    search_ms = (time.perf_counter() - start) * 1000
    figures = {
        "benchmark": "archive_import",
        "database": connection.vendor,
        "agreements": agreements,
        "files": files,
        "files_stored": ArchiveFile.objects.count(),
        "import_s": round(first_s, 2),
        "agreements_per_s": round(agreements / first_s, 1),
        "files_per_s": round(first.files_added / first_s, 1),
        "rerun_s": round(second_s, 2),
        "rerun_files_per_s": round(files / second_s, 1),
        "refused": len(first.refused),
        "search_ms": round(search_ms, 1),
        "search_total": page.total,
    }
    print(
        f"imported {agreements} agreements and {first.files_added} files in {first_s:.2f}s "
        f"({figures['agreements_per_s']} agreements/s, {figures['files_per_s']} files/s; "
        f"{len(first.refused)} bad files refused)"
    )
    print(f"re-ran the import in {second_s:.2f}s: nothing new (idempotent)")
    print(f"searched the result in {search_ms:.1f} ms ({page.total} matches)")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
