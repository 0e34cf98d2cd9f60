"""Load an existing registry from CSV: ``sifara accounts import FILE.csv``.

Columns: ``unit,platform,handle,url,display_name_ar,display_name_en,status,avatar``.
``unit`` is a unit's code or its exact name in Arabic or English; ``platform``
is a platform code or name; ``handle`` any usual form (``@name``, a profile
link). ``url``, the names, ``status`` and ``avatar`` (an image path relative to
the CSV file) are optional. The encoding is detected: UTF-8, UTF-8 with BOM,
else Windows-1256 (Arabic Excel exports).

Every row is handled on its own: errors are reported with the row's line
number in the file (the header is line 1) and the valid rows are kept. A
handle that appears twice in the file, or is registered to another unit, is
reported, never duplicated; a handle already registered to the same unit is
updated with the row's non-empty values.

One service, :func:`official_accounts_import`, serves the command line (and
can serve an upload page).
"""

from __future__ import annotations

import argparse
import csv
import getpass
import io
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from sifara.accounts import services
from sifara.accounts.models import AccountStatus, OfficialAccount, Platform
from sifara.core import policy
from sifara.core.errors import ApplicationError
from sifara.directory.models import Unit, User

REQUIRED = ("unit", "platform", "handle")
OPTIONAL = ("url", "display_name_ar", "display_name_en", "status", "avatar")
KNOWN = REQUIRED + OPTIONAL
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000


class ImportFileError(ApplicationError):
    """The file as a whole cannot be imported (encoding, missing columns)."""

    code = "import_file_invalid"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    encoding: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
            "warnings": self.warnings,
            "encoding": self.encoding,
        }


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding found: UTF-8 (with or without BOM), else cp1256."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1256"), "cp1256"
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("The file is neither UTF-8 nor Windows-1256 (Arabic) text.")
        ) from exc


class _Lookups:
    """Units and platforms by the names a spreadsheet may use, loaded once."""

    def __init__(self) -> None:
        self.units: dict[str, list[Unit]] = {}
        for unit in Unit.objects.filter(is_active=True):
            for key in {unit.code.lower(), unit.name_en.strip().lower(), unit.name_ar.strip()}:
                if key:
                    self.units.setdefault(key, []).append(unit)
        self.platforms: dict[str, Platform] = {}
        for platform in Platform.objects.filter(is_active=True):
            for key in (platform.code, platform.name_en, platform.name_ar):
                self.platforms.setdefault(key.strip().lower(), platform)
            for domain in platform.domains or []:
                self.platforms.setdefault(str(domain).lower(), platform)
        self.platforms.setdefault("twitter", self.platforms.get("x"))  # type: ignore[arg-type]
        self.statuses: dict[str, str] = {}
        for value, label in AccountStatus.choices:
            self.statuses[value] = value
            self.statuses[str(label).lower()] = value
            with translation.override("ar"):
                self.statuses[str(label)] = value
            with translation.override("en"):
                self.statuses[str(label).lower()] = value

    def unit(self, value: str) -> Unit:
        key = value.strip()
        found = self.units.get(key.lower()) or self.units.get(key) or []
        distinct = {u.pk: u for u in found}
        if not distinct:
            raise ApplicationError(_("Unknown unit “%(value)s”.") % {"value": key[:80]})
        if len(distinct) > 1:
            raise ApplicationError(
                _("“%(value)s” names several units; use the unit's code.") % {"value": key[:80]}
            )
        return next(iter(distinct.values()))

    def platform(self, value: str) -> Platform:
        found = self.platforms.get(value.strip().lower())
        if found is None:
            raise ApplicationError(_("Unknown platform “%(value)s”.") % {"value": value[:60]})
        return found

    def status(self, value: str) -> str:
        if not value.strip():
            return AccountStatus.PENDING
        found = self.statuses.get(value.strip()) or self.statuses.get(value.strip().lower())
        if found is None:
            raise ApplicationError(
                _("Unknown status “%(value)s” (documented, pending, suspended or retired).")
                % {"value": value[:40]}
            )
        return found


def _avatar_bytes(value: str, base_dir: Path | None) -> bytes | None:
    if not value.strip():
        return None
    if base_dir is None:
        raise ApplicationError(_("Avatars can only be loaded from files next to the CSV."))
    base = base_dir.resolve()
    path = (base / value.strip()).resolve()
    if not path.is_relative_to(base):
        raise ApplicationError(_("The avatar must be in the CSV file's folder."))
    if not path.is_file():
        raise ApplicationError(_("Avatar file “%(path)s” not found.") % {"path": value[:120]})
    if path.stat().st_size > services.MAX_IMAGE_BYTES:
        raise ApplicationError(_("The image is larger than 2 MB."))
    return path.read_bytes()


def _import_row(
    row: dict[str, str],
    *,
    lookups: _Lookups,
    base_dir: Path | None,
    actor: User | None,
    actor_label: str | None,
    seen: dict[tuple[int, str], int],
    line: int,
    report: ImportReport,
) -> None:
    values = {k: (row.get(k) or "").strip() for k in KNOWN}
    for name in REQUIRED:
        if not values[name]:
            raise ApplicationError(_("The “%(column)s” column is empty.") % {"column": name})
    unit = lookups.unit(values["unit"])
    platform = lookups.platform(values["platform"])
    resolved = services.handle_resolve(platform=platform, text=values["handle"])
    if values["url"]:
        from_url = services.handle_resolve(platform=platform, text=values["url"])
        if from_url.handle != resolved.handle:
            raise ApplicationError(
                _("The url points to @%(url)s but the handle is @%(handle)s.")
                % {"url": from_url.handle, "handle": resolved.handle}
            )
    key = (platform.pk, resolved.handle)
    if key in seen:
        raise ApplicationError(
            _("Duplicate of line %(line)s (@%(handle)s on %(platform)s).")
            % {"line": seen[key], "handle": resolved.handle, "platform": platform.code}
        )
    seen[key] = line
    status = lookups.status(values["status"])
    avatar = _avatar_bytes(values["avatar"], base_dir)
    if avatar is not None:
        services.image_inspect(data=avatar)
    fields: dict[str, Any] = {
        k: values[k] for k in ("display_name_ar", "display_name_en") if values[k]
    }
    if values["url"]:
        url = values["url"]
        fields["profile_url"] = url if "://" in url else "https://" + url
    existing = OfficialAccount.objects.filter(platform=platform, handle=resolved.handle).first()
    with transaction.atomic():
        if existing is None:
            services.account_create_unchecked(
                actor=actor,
                actor_label=actor_label,
                platform=platform,
                handle=values["handle"],
                status=status,
                profile_image=avatar,
                unit=unit,
                **fields,
            )
            report.created += 1
            return
        if existing.unit_id != unit.pk:
            raise ApplicationError(
                _("@%(handle)s on %(platform)s is already registered to %(unit)s.")
                % {"handle": resolved.handle, "platform": platform.code, "unit": existing.unit.code}
            )
        changes = {k: v for k, v in fields.items() if getattr(existing, k) != v}
        new_status = status if values["status"] and status != existing.status else None
        if not changes and new_status is None and avatar is None:
            report.unchanged += 1
            return
        services.official_account_update(
            actor=actor,
            actor_label=actor_label,
            account=existing,
            status=new_status,
            check_permission=False,
            **changes,
        )
        if avatar is not None:
            services.official_account_set_profile_image(
                actor=actor, account=existing, data=avatar, check_permission=False
            )
        report.updated += 1


def official_accounts_import(
    *,
    data: bytes,
    actor: User | None,
    actor_label: str | None = None,
    base_dir: Path | None = None,
) -> ImportReport:
    """Import a registry CSV. ``actor`` None means the server's operator (the
    command line; audited as ``actor_label``); a user needs ``accounts.edit``.
    Raises :class:`ImportFileError` when the file as a whole is unusable."""
    if actor is not None:
        policy.require(actor, "accounts.edit")
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 20 MB."))
    text, encoding = decode(data)
    report = ImportReport(encoding=encoding)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        raise ImportFileError(_("The file is not valid CSV.")) from exc
    normalised = [(h or "").strip().lstrip("\ufeff").lower() for h in header]
    reader.fieldnames = normalised
    missing = [name for name in REQUIRED if name not in normalised]
    if missing:
        raise ImportFileError(
            _("Missing required columns: %(columns)s (expected %(expected)s).")
            % {"columns": ", ".join(missing), "expected": ",".join(KNOWN)},
            details={"missing": missing},
        )
    extra = [h for h in normalised if h and h not in KNOWN]
    if extra:
        report.warnings.append(
            _("Unknown columns ignored: %(columns)s") % {"columns": ", ".join(extra)}
        )
    lookups = _Lookups()
    seen: dict[tuple[int, str], int] = {}
    rows = 0
    try:
        for row in reader:
            line = reader.line_num
            if not any((v or "").strip() for k, v in row.items() if isinstance(v, str)):
                continue
            rows += 1
            if rows > MAX_ROWS:
                report.errors.append(
                    {"row": line, "error": _("Too many rows; the rest was not read.")}
                )
                break
            try:
                _import_row(
                    row,
                    lookups=lookups,
                    base_dir=base_dir,
                    actor=actor,
                    actor_label=actor_label,
                    seen=seen,
                    line=line,
                    report=report,
                )
            except ApplicationError as exc:
                report.errors.append({"row": line, "error": str(exc.message)})
    except csv.Error as exc:
        report.errors.append(
            {"row": reader.line_num, "error": _("Unreadable CSV: %(e)s") % {"e": str(exc)[:200]}}
        )
    return report


def run_import_cli(args: argparse.Namespace) -> int:
    """``sifara accounts import FILE [--format json]``. Exit 0: all rows
    imported; 1: some rows refused (the others kept); 2: the file is unusable."""
    fmt = getattr(args, "format", "text") or "text"
    path = Path(args.file)
    try:
        operator = getpass.getuser()
    except (KeyError, OSError):
        operator = "unknown"
    try:
        if not path.is_file():
            raise ImportFileError(_("File not found: %(path)s") % {"path": str(path)})
        report = official_accounts_import(
            data=path.read_bytes(),
            actor=None,
            actor_label=f"cli:{operator}"[:150],
            base_dir=path.parent,
        )
    except (ImportFileError, OSError) as exc:
        message = str(exc.message) if isinstance(exc, ApplicationError) else str(exc)
        if fmt == "json":
            print(json.dumps({"created": 0, "updated": 0, "errors": [], "fatal": message}))
        print(f"error: {message}", file=sys.stderr)
        return 2
    if fmt == "json":
        print(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        for warning in report.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        for error in report.errors:
            print(f"line {error['row']}: {error['error']}")
        print(
            f"{report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {len(report.errors)} errors "
            f"(encoding {report.encoding})"
        )
    return 1 if report.errors else 0
