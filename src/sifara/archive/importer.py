"""Bulk import of an existing archive: ``sifara archive import PATH… [--metadata FILE.csv]``.

* The CSV (columns in :data:`sifara.archive.export.COLUMNS`, documented in
  docs/archive.md) describes agreements; its ``files`` column lists files
  (";"-separated, relative to the CSV's folder or to a PATH).
* Files in a folder named after an agreement's ``reference`` are attached to it.
* Every row and file is taken or refused on its own, with a reason; the rest
  goes on and nothing already stored is changed by a refusal.
* Re-running is idempotent: agreements are matched by reference (else UN
  registration number, else titles and date of signature) and files by their
  SHA-256, so nothing is created twice.
"""

from __future__ import annotations

import csv
import getpass
import io
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from sifara.archive import export, services
from sifara.archive.extract import EXTENSIONS, FileRefusedError, decode_text, max_bytes
from sifara.archive.models import Agreement, AgreementStatus, AgreementType, FileRole, Topic
from sifara.core.errors import ApplicationError
from sifara.core.models import Classification
from sifara.directory.models import Country, Unit, UnitKind

CLASSIFICATIONS = {c.name.lower(): int(c) for c in Classification} | {
    str(int(c)): int(c) for c in Classification
}
TRUE = {"yes", "y", "true", "1", "نعم"}
FALSE = {"no", "n", "false", "0", "", "لا"}
ROLE_WORDS = [
    (FileRole.NOTE_VERBALE, ("note-verbale", "note_verbale", "noteverbale", "مذكرة")),
    (FileRole.MINUTES, ("minutes", "محضر")),
    (FileRole.REPORT, ("report", "تقرير")),
]
LANGUAGE_SUFFIXES = ("ar", "en", "fr", "es", "ru", "zh")

Progress = Callable[[int, int, str], None]


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    files_added: int = 0
    files_already_there: int = 0
    refused: list[dict[str, str]] = field(default_factory=list)
    encoding: str = ""

    def refuse(self, item: str, reason: str) -> None:
        self.refused.append({"item": item, "reason": reason})

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "files_added": self.files_added,
            "files_already_there": self.files_already_there,
            "refused": self.refused,
        }


class ImportFileError(ApplicationError):
    """The metadata file as a whole is unusable."""


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def _date(value: str, column: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ApplicationError(
            _("Column %(column)s: “%(value)s” is not a date (write YYYY-MM-DD).")
            % {"column": column, "value": value[:40]}
        ) from exc


def _int(value: str, column: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 5:
        raise ApplicationError(
            _("Column %(column)s: “%(value)s” is not a whole number.")
            % {"column": column, "value": value[:40]}
        )
    return int(value)


def _bool(value: str, column: str) -> bool:
    folded = (value or "").strip().lower()
    if folded in TRUE:
        return True
    if folded in FALSE:
        return False
    raise ApplicationError(_("Column %(column)s: write yes or no.") % {"column": column})


def _row_fields(row: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Service keyword arguments of one CSV row; raises ApplicationError."""
    get = lambda name: (row.get(name) or "").strip()  # noqa: E731
    kind = get("type").lower()
    if kind not in AgreementType.values:
        raise ApplicationError(
            _("Column type: “%(value)s” is not one of %(choices)s.")
            % {"value": kind[:40], "choices": ", ".join(AgreementType.values)}
        )
    status = get("status").lower() or AgreementStatus.SIGNED
    if status not in AgreementStatus.values:
        raise ApplicationError(
            _("Column status: “%(value)s” is not one of %(choices)s.")
            % {"value": status[:40], "choices": ", ".join(AgreementStatus.values)}
        )
    level = CLASSIFICATIONS.get(get("classification").lower() or "unclassified")
    if level is None:
        raise ApplicationError(
            _("Column classification: write unclassified, restricted, confidential or secret.")
        )
    codes = [c.upper() for c in _split(get("countries"))]
    countries = list(Country.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {c.code for c in countries})
    if unknown:
        raise ApplicationError(
            _("Unknown country code(s): %(codes)s (use ISO 3166 two-letter codes).")
            % {"codes": ", ".join(unknown)}
        )
    ministry_codes = _split(get("ministries"))
    ministries = list(Unit.objects.filter(code__in=ministry_codes, kind=UnitKind.PARTNER_MINISTRY))
    unknown = sorted(set(ministry_codes) - {u.code for u in ministries})
    if unknown:
        raise ApplicationError(
            _("Unknown partner ministry code(s): %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    topic_codes = [t.lower() for t in _split(get("topics"))]
    topics = list(Topic.objects.filter(code__in=topic_codes))
    unknown = sorted(set(topic_codes) - {t.code for t in topics})
    if unknown:
        raise ApplicationError(_("Unknown topic(s): %(codes)s.") % {"codes": ", ".join(unknown)})
    organisations = []
    for item in _split(get("organisations")):
        en, _sep, ar = item.partition("|")
        organisations.append((en.strip()[:200], ar.strip()[:200]))
    fields: dict[str, Any] = {
        "reference": get("reference")[:60],
        "kind": kind,
        "title_ar": get("title_ar")[:500],
        "title_en": get("title_en")[:500],
        "summary_ar": get("summary_ar"),
        "summary_en": get("summary_en"),
        "is_multilateral": _bool(get("multilateral"), "multilateral"),
        "classification": level,
        "place_en": get("place_en")[:200],
        "place_ar": get("place_ar")[:200],
        "signed_on": _date(get("signed_on"), "signed_on"),
        "signatories": get("signatories"),
        "authentic_languages": [c.lower() for c in _split(get("authentic_languages"))],
        "ratified_on": _date(get("ratified_on"), "ratified_on"),
        "entry_into_force": _date(get("entry_into_force"), "entry_into_force"),
        "duration_years": _int(get("duration_years"), "duration_years"),
        "expires_on": _date(get("expires_on"), "expires_on"),
        "auto_renewal": _bool(get("auto_renewal"), "auto_renewal"),
        "renewal_period_years": _int(get("renewal_period_years"), "renewal_period_years"),
        "notice_days": _int(get("notice_days"), "notice_days"),
        "status": status,
        "depositary": get("depositary")[:200],
        "un_registration": get("un_registration")[:20],
    }
    relations = {
        "countries": countries,
        "ministries": ministries,
        "topics": topics,
        "organisations": organisations,
    }
    return fields, relations


def _existing(fields: dict[str, Any]) -> Agreement | None:
    if fields["reference"]:
        return Agreement.objects.filter(reference=fields["reference"]).first()
    if fields["un_registration"]:
        try:
            number = services.normalise_un_registration(fields["un_registration"])
        except ApplicationError:
            return None
        return Agreement.objects.filter(un_registration=number).first()
    return Agreement.objects.filter(
        title_ar=fields["title_ar"], title_en=fields["title_en"], signed_on=fields["signed_on"]
    ).first()


def _differs(agreement: Agreement, fields: dict[str, Any], relations: dict[str, Any]) -> bool:
    for name, value in fields.items():
        current = getattr(agreement, name)
        if name == "un_registration" and value:
            try:
                value = services.normalise_un_registration(value)
            except ApplicationError:
                return True
        if name == "authentic_languages":
            current, value = sorted(current or []), sorted(set(value))
        if current != value:
            return True
    parties = agreement.parties.all()
    if {p.country_id for p in parties if p.country_id} != {c.code for c in relations["countries"]}:
        return True
    if {(p.organisation_en, p.organisation_ar) for p in parties if not p.country_id} != set(
        relations["organisations"]
    ):
        return True
    if set(agreement.ministries.values_list("pk", flat=True)) != {
        u.pk for u in relations["ministries"]
    }:
        return True
    return set(agreement.topics.values_list("pk", flat=True)) != {t.pk for t in relations["topics"]}


def _guess_language(path: Path) -> str:
    stem = path.stem.lower()
    for code in LANGUAGE_SUFFIXES:
        if stem.endswith((f"_{code}", f"-{code}", f".{code}")):
            return code
    return ""


def _guess_role(path: Path) -> str:
    name = path.name.lower()
    for role, words in ROLE_WORDS:
        if any(word in name for word in words):
            return role
    return FileRole.SIGNED_TEXT


def _attach(
    report: ImportReport, agreement: Agreement, path: Path, *, label: str, shown: str
) -> None:
    try:
        size = path.stat().st_size
        if size > max_bytes():
            from django.conf import settings

            raise FileRefusedError(
                _("The file is larger than %(mb)s MB, the configured limit.")
                % {"mb": settings.SIFARA_ARCHIVE_MAX_UPLOAD_MB}
            )
        data = path.read_bytes()
        services.file_attach(
            actor=None,
            actor_label=label,
            agreement=agreement,
            name=path.name,
            data=data,
            role=_guess_role(path),
            language=_guess_language(path),
            extract_later=False,
            reindex=False,
        )
    except FileRefusedError as exc:
        if exc.code == "duplicate_file":
            report.files_already_there += 1
            return
        report.refuse(shown, str(exc.message))
    except ApplicationError as exc:
        report.refuse(shown, str(exc.message))
    except OSError as exc:
        report.refuse(
            shown,
            _("The file cannot be read: %(error)s") % {"error": exc.strerror or type(exc).__name__},
        )
    else:
        report.files_added += 1


def _files_under(paths: list[Path]) -> list[tuple[Path, Path]]:
    """(root, file) for every file under the given paths (files or folders)."""
    found: list[tuple[Path, Path]] = []
    for root in paths:
        if root.is_file():
            found.append((root.parent, root))
        elif root.is_dir():
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames.sort()
                for name in sorted(filenames):
                    if not name.startswith("."):
                        found.append((root, Path(dirpath) / name))
    return found


def _resolve(name: str, bases: list[Path]) -> Path | None:
    for base in bases:
        candidate = (base / name).resolve()
        if candidate.is_file() and any(candidate.is_relative_to(b.resolve()) for b in bases):
            return candidate
    return None


def archive_import(
    *,
    paths: list[Path],
    metadata: Path | None = None,
    actor_label: str = "cli",
    progress: Progress | None = None,
) -> ImportReport:
    """Import agreements (CSV rows) and files (folders); see the module docstring."""
    report = ImportReport()
    rows: list[tuple[int, dict[str, str]]] = []
    if metadata is not None:
        try:
            raw = metadata.read_bytes()
        except OSError as exc:
            raise ImportFileError(
                _("The metadata file cannot be read: %(error)s") % {"error": exc.strerror or exc}
            ) from exc
        text = decode_text(raw) if raw else ""
        reader = csv.DictReader(io.StringIO(text))
        columns = {c.strip().lower() for c in (reader.fieldnames or [])}
        if "type" not in columns or not ({"title_ar", "title_en"} & columns):
            raise ImportFileError(
                _("The metadata CSV needs at least the columns type and title_ar or title_en.")
            )
        for number, row in enumerate(reader, start=2):
            rows.append((number, {(k or "").strip().lower(): (v or "") for k, v in row.items()}))
    bases = [p if p.is_dir() else p.parent for p in paths]
    if metadata is not None:
        bases.insert(0, metadata.parent)
    listed: set[Path] = set()
    files = _files_under(paths)
    total = len(rows) + len(files)
    done = 0

    def tick(what: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total, what)

    for number, row in rows:
        item = _("row %(n)s") % {"n": number}
        try:
            fields, relations = _row_fields(row)
            agreement = _existing(fields)
            if agreement is None:
                agreement = services.agreement_create(
                    actor=None, actor_label=actor_label, **fields, **relations
                )
                report.created += 1
            elif _differs(agreement, fields, relations):
                agreement = services.agreement_update(
                    actor=None, actor_label=actor_label, agreement=agreement, **fields, **relations
                )
                report.updated += 1
            else:
                report.unchanged += 1
        except ApplicationError as exc:
            reasons = [str(exc.message)] + [
                f"{name}: {msg}"
                for name, messages in exc.details.items()
                for msg in (messages if isinstance(messages, list) else [messages])
            ]
            report.refuse(item, " ".join(reasons))
            tick(item)
            continue
        added = report.files_added
        for name in _split(row.get("files", "")):
            path = _resolve(name, bases)
            if path is None:
                report.refuse(f"{item}: {name}", _("File not found."))
                continue
            listed.add(path)
            _attach(report, agreement, path, label=actor_label, shown=name)
        if report.files_added > added:
            services.agreement_reindex(agreement=agreement)
        tick(item)
    for root, path in files:
        shown = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
        if metadata is not None and path.resolve() == metadata.resolve():
            tick(shown)
            continue
        if path.resolve() in listed:
            tick(shown)
            continue
        if path.suffix.lower() not in EXTENSIONS and path.suffix.lower() != ".csv":
            report.refuse(
                shown,
                _(
                    "Files of type “%(suffix)s” are not accepted: "
                    "attach PDF, DOCX, plain text or HTML."
                )
                % {"suffix": path.suffix.lower() or _("(none)")},
            )
            tick(shown)
            continue
        if path.suffix.lower() == ".csv":
            tick(shown)
            continue
        reference = path.parent.name
        agreement = Agreement.objects.filter(reference=reference).first()
        if agreement is None:
            report.refuse(
                shown,
                _(
                    "No agreement for this file: put it in a folder named after the "
                    "agreement's reference, or list it in the CSV's files column."
                ),
            )
        else:
            added = report.files_added
            _attach(report, agreement, path, label=actor_label, shown=shown)
            if report.files_added > added:
                services.agreement_reindex(agreement=agreement)
        tick(shown)
    return report


def _bar(done: int, total: int, what: str) -> None:
    width = 30
    filled = int(width * done / total) if total else width
    line = f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {what[:40]:<40}"
    sys.stderr.write(line)
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _operator() -> str:
    try:
        return f"cli:{getpass.getuser()}"[:150]
    except (KeyError, OSError):
        return "cli:unknown"


def run_import_cli(args: Any) -> int:
    """Exit 0: everything taken; 1: some rows or files refused; 2: unusable input."""
    fmt = getattr(args, "format", "text") or "text"
    paths = [Path(p) for p in args.paths]
    missing = [str(p) for p in paths if not p.exists()]
    metadata = Path(args.metadata) if args.metadata else None
    if metadata is not None and not metadata.is_file():
        missing.append(str(metadata))
    if missing:
        message = _("Not found: %(paths)s") % {"paths": ", ".join(missing)}
        if fmt == "json":
            print(json.dumps({"fatal": message}, ensure_ascii=False))
        print(f"error: {message}", file=sys.stderr)
        return 2
    show = _bar if fmt != "json" and sys.stderr.isatty() and not args.quiet else None
    try:
        report = archive_import(
            paths=paths, metadata=metadata, actor_label=_operator(), progress=show
        )
    except ImportFileError as exc:
        if fmt == "json":
            print(json.dumps({"fatal": str(exc.message)}, ensure_ascii=False))
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    if fmt == "json":
        print(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        for problem in report.refused:
            print(f"refused: {problem['item']}: {problem['reason']}")
        print(
            f"{report.created} agreements created, {report.updated} updated, "
            f"{report.unchanged} unchanged; {report.files_added} files added, "
            f"{report.files_already_there} already there; {len(report.refused)} refused"
        )
    return 1 if report.refused else 0


__all__ = ["ImportReport", "archive_import", "export", "run_import_cli"]
