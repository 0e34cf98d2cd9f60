"""``sifara archive ...`` sub-commands (registered by :mod:`sifara.cli`)."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

_MARK = re.compile(r"</?mark>")


def _cmd_import(setup: Callable[[], None]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        setup()
        from sifara.archive.importer import run_import_cli

        return run_import_cli(args)

    return run


def _cmd_search(setup: Callable[[], None]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        setup()
        import html

        from sifara.archive import selectors
        from sifara.directory.models import User

        user = None
        if args.user:
            user = User.objects.filter(username=args.user, is_active=True).first()
            if user is None:
                print(f"error: no active user {args.user!r}", file=sys.stderr)
                return 2
        limit = max(1, min(int(args.limit), 200))
        page = selectors.agreement_search_for_user(user=user, query=args.query, limit=limit)
        hits = [
            {
                "id": row.agreement.pk,
                "reference": row.agreement.reference,
                "title": row.agreement.title_en or row.agreement.title_ar,
                "title_ar": row.agreement.title_ar,
                "title_en": row.agreement.title_en,
                "type": row.agreement.kind,
                "status": row.agreement.status,
                "signed_on": row.agreement.signed_on.isoformat()
                if row.agreement.signed_on
                else None,
                "classification": int(row.agreement.classification),
                "files": row.files,
                "score": row.score,
                "snippet": row.snippet,
            }
            for row in page.rows
        ]
        hits_files = {row.agreement.pk: row.files for row in page.rows}
        if args.format == "json":
            print(json.dumps(hits, ensure_ascii=False))
            return 0
        for hit in hits:
            print(f"#{hit['id']}  {hit['score']:.3f}  {hit['title']}")
            if row_files := hits_files.get(int(str(hit["id"])), []):
                print(f"    files: {', '.join(row_files)}")
            if hit["snippet"]:
                print(f"    {html.unescape(_MARK.sub('**', str(hit['snippet'])))}")
        print(f"{page.total} matching agreements")
        return 0

    return run


def _cmd_export(setup: Callable[[], None]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        setup()
        from sifara.archive import export, services
        from sifara.archive.importer import _operator
        from sifara.archive.models import Agreement

        agreements = Agreement.objects.prefetch_related(
            "ministries", "topics", "parties__country"
        ).order_by("pk")
        records = [
            export.record_of(
                a, file_names=list(a.files.order_by("id").values_list("original_name", flat=True))
            )
            for a in agreements
        ]
        data = export.to_csv(records) if args.format == "csv" else export.to_json(records)
        services.agreements_exported(
            actor=None, actor_label=_operator(), count=len(records), fmt=args.format
        )
        if args.output:
            Path(args.output).write_bytes(data)
            print(f"{len(records)} agreements written to {args.output}", file=sys.stderr)
        else:
            sys.stdout.buffer.write(data)
        return 0

    return run


def _cmd_reminders(setup: Callable[[], None]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        setup()
        from sifara.archive import services

        try:
            today = date.fromisoformat(args.today) if args.today else None
        except ValueError:
            print("error: --today takes YYYY-MM-DD", file=sys.stderr)
            return 2
        rolled = services.renewals_roll(today=today)
        sent = services.reminders_send(today=today)
        print(f"{rolled} agreements renewed or expired; {sent} reminders sent")
        return 0

    return run


def _cmd_reindex(setup: Callable[[], None]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        setup()
        from sifara.archive import services

        print(f"{services.agreements_reindex()} agreements indexed")
        return 0

    return run


def _cmd_reextract(setup: Callable[[], None]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        setup()
        from sifara.archive import extract, services

        if extract.tesseract_path() is None:
            print("note: Tesseract is not installed; scans stay unread", file=sys.stderr)
        print(f"{services.files_reextract(everything=args.all)} files extracted again")
        return 0

    return run


def register(sub: Any, setup: Callable[[], None]) -> None:
    """Add this module's sub-commands to the ``sifara`` parser's ``sub``.

    ``setup`` configures Django; call it inside the command functions only.
    """
    archive = sub.add_parser(
        "archive",
        help="archive of agreements: import, search, export, reminders",
        description="Archive of agreements: bulk import, search, export, reminders.",
    )
    archive_sub = archive.add_subparsers(dest="archive_command", required=True, metavar="COMMAND")

    imp = archive_sub.add_parser(
        "import",
        help="import folders of files plus a CSV of metadata (idempotent)",
        description="Import agreements from a metadata CSV and attach files from folders. "
        "Files are matched to agreements by the CSV's files column or by a folder named "
        "after the agreement's reference. Re-running creates nothing twice (content hash). "
        "Columns: see docs/archive.md.",
    )
    imp.add_argument("paths", nargs="+", metavar="PATH", help="folders or files to import")
    imp.add_argument("--metadata", metavar="FILE.csv", help="CSV describing the agreements")
    imp.add_argument("--format", choices=["text", "json"], default="text")
    imp.add_argument("--quiet", action="store_true", help="no progress bar")
    imp.set_defaults(func=_cmd_import(setup))

    srch = archive_sub.add_parser(
        "search",
        help="search agreements (words in Arabic or English)",
        description="Search agreements. JSON output: an array of hits, best first, each with "
        "id, title, files, score and snippet.",
    )
    srch.add_argument("query", metavar="QUERY")
    srch.add_argument("--limit", type=int, default=20)
    srch.add_argument("--format", choices=["text", "json"], default="text")
    srch.add_argument(
        "--user", metavar="USERNAME", help="search with this person's rights (default: operator)"
    )
    srch.set_defaults(func=_cmd_search(setup))

    exp = archive_sub.add_parser(
        "export", help="export every agreement record as CSV or JSON (audited)"
    )
    exp.add_argument("--format", choices=["csv", "json"], default="csv")
    exp.add_argument("--output", metavar="FILE")
    exp.set_defaults(func=_cmd_export(setup))

    rem = archive_sub.add_parser(
        "reminders", help="roll automatic renewals and send due reminders now"
    )
    rem.add_argument("--today", metavar="YYYY-MM-DD", help="pretend today is this date")
    rem.set_defaults(func=_cmd_reminders(setup))

    rex = archive_sub.add_parser(
        "reextract",
        help="extract text again: scans stored before Tesseract was installed, failures",
    )
    rex.add_argument("--all", action="store_true", help="every file, not only those waiting")
    rex.set_defaults(func=_cmd_reextract(setup))

    rei = archive_sub.add_parser("reindex", help="rebuild the archive's search index")
    rei.set_defaults(func=_cmd_reindex(setup))
