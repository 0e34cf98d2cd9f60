"""``sifara accounts screen FILE.csv [--format json] [--threshold X] [--dry-run]``.

Reads candidates from a CSV (columns ``platform,handle,display_name,bio,url,
avatar,followers,created``; only the first two are required; ``avatar`` is a
path to an image file, relative to the CSV), screens them against the registry
(official accounts whose status is documented or pending) and prints the
results: a readable table, or with ``--format json`` a JSON array with one
object per screened row (``row, platform, handle, flagged, score,
matched_account, matched_platform, reasons, reasons_ar, codes, warnings``).

Encoding: UTF-8 (with or without BOM), else Windows-1256 (Arabic Excel exports).
Bad rows (unknown platform, a handle that is not a handle, bad numbers or
dates) are reported on stderr with their row number and skipped or partly
used; an avatar that is not a readable image adds the warning "avatar
unreadable" and screening goes on. A file that cannot be read or lacks a
required column ends with exit status 2. Exit status 1 means some rows were
rejected (the others were screened), 0 means all rows were screened.

Unless ``--dry-run``, screened rows are handed to the review queue through
``sifara.accounts.review_services.candidates_store_screened(results=[(CandidateInput,
ScreenResult), …], source="csv")`` when that module exists.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import importlib.util
import io
import json
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sifara.accounts.radar import CandidateInput, ScreenResult

REQUIRED = ("platform", "handle")
OPTIONAL = ("display_name", "bio", "url", "avatar", "followers", "created")
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_FIELD = 5000


class CsvError(Exception):
    """The file as a whole cannot be screened."""


@dataclass
class Row:
    number: int
    candidate: CandidateInput | None = None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (BOM or not), else cp1256."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1256"), "cp1256"
    except UnicodeDecodeError as exc:
        raise CsvError(f"cannot decode the file as UTF-8 or Windows-1256: {exc}") from exc


def _canonical_handle(raw: str, platform: str) -> str:
    """Canonical handle, or ValueError. Look-alike Unicode handles are kept as written
    (lower case) when their TR39 skeleton is a valid handle: they are what we hunt."""
    from sifara.accounts.handles import HandleError, canonicalise

    try:
        return canonicalise(raw, platform=platform).handle
    except HandleError as exc:
        value = unicodedata.normalize("NFC", raw.strip().lstrip("@")).lower()
        if value and not value.isascii() and len(value) <= 100:
            from sifara.accounts.radar.skeleton import skeleton

            try:
                canonicalise(skeleton(value).lower(), platform=platform)
            except HandleError:
                pass
            else:
                return value
        raise ValueError(str(exc)) from exc


def parse_rows(text: str, base_dir: Path, platforms: set[str]) -> tuple[list[Row], list[str]]:
    """Rows of the CSV; raises CsvError for a missing required column."""
    from sifara.accounts.radar.images import phash_file

    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise CsvError(
            "missing required column(s): "
            + ", ".join(missing)
            + f" (found: {', '.join(h for h in header if h) or 'no header'}; expected "
            + ",".join(REQUIRED + OPTIONAL)
            + ")"
        )
    notes = [f"ignored unknown column “{h}”" for h in header if h and h not in REQUIRED + OPTIONAL]
    reader.fieldnames = header
    rows: list[Row] = []
    for number, record in enumerate(reader, start=2):
        row = Row(number=number)
        rows.append(row)
        if None in record:
            row.warnings.append("extra values beyond the header were ignored")
        values = {
            k: (v or "").strip()[:MAX_FIELD] if isinstance(v, str) else ""
            for k, v in record.items()
            if k
        }
        platform = values.get("platform", "").lower()
        if platform not in platforms:
            row.errors.append(f"unknown platform “{platform[:40]}”")
            continue
        try:
            handle = _canonical_handle(values.get("handle", ""), platform)
        except ValueError as exc:
            row.errors.append(f"invalid handle: {exc}")
            continue
        followers: int | None = None
        if values.get("followers"):
            try:
                followers = int(values["followers"].replace(",", ""))
                if followers < 0:
                    raise ValueError
            except ValueError:
                row.warnings.append(f"followers “{values['followers'][:20]}” is not a number")
                followers = None
        created: date | None = None
        if values.get("created"):
            try:
                created = datetime.fromisoformat(values["created"]).date()
            except ValueError:
                row.warnings.append(f"created “{values['created'][:30]}” is not a date")
        phash = ""
        if values.get("avatar"):
            path = (base_dir / values["avatar"]).resolve()
            # Only images beside the CSV (or below it): a row must not make the
            # command read files elsewhere on the server.
            inside = path.is_relative_to(base_dir.resolve())
            result = phash_file(path) if inside else None
            if result is None:
                row.warnings.append("avatar unreadable")
            else:
                phash = result
        row.candidate = CandidateInput(
            platform=platform,
            handle=handle,
            display_name=values.get("display_name", ""),
            bio=values.get("bio", ""),
            url=values.get("url", ""),
            avatar_phash=phash,
            followers=followers,
            created=created,
        )
    return rows, notes


def _registry() -> Any:
    from sifara.accounts.models import AccountStatus, OfficialAccount
    from sifara.accounts.radar import OfficialEntry

    rows = OfficialAccount.objects.filter(
        status__in=[AccountStatus.DOCUMENTED, AccountStatus.PENDING]
    ).select_related("platform")
    return [
        OfficialEntry(
            account_id=r.pk,
            platform=r.platform.code,
            handle=r.handle,
            display_name_ar=r.display_name_ar,
            display_name_en=r.display_name_en,
            bio=r.bio,
            website=r.website,
            avatar_phash=r.profile_image_phash,
        )
        for r in rows
    ]


def _platform_codes() -> set[str]:
    try:
        from sifara.accounts.models import Platform

        codes = set(Platform.objects.filter(is_active=True).values_list("code", flat=True))
        if codes:
            return codes
    except Exception as exc:  # no database: fall back to the built-in list
        print(f"note: platforms from the built-in list ({exc.__class__.__name__})", file=sys.stderr)
    from sifara.accounts.platforms import PLATFORMS

    return {p[0] for p in PLATFORMS}


def result_json(row: Row, result: ScreenResult) -> dict[str, Any]:
    assert row.candidate is not None
    warnings_en = list(row.warnings)
    return {
        "row": row.number,
        "platform": row.candidate.platform,
        "handle": row.candidate.handle,
        "flagged": result.flagged,
        "score": round(result.score, 3),
        "matched_account": result.matched.handle if result.matched else None,
        "matched_platform": result.matched.platform if result.matched else None,
        "reasons": [r.message_en for r in result.reasons] + warnings_en,
        "reasons_ar": [r.message_ar for r in result.reasons]
        + ["تعذّرت قراءة صورة الحساب" if w == "avatar unreadable" else w for w in warnings_en],
        "codes": [r.code for r in result.reasons],
        "warnings": warnings_en,
    }


def _table(items: list[dict[str, Any]]) -> str:
    lines = [
        f"{'row':>4}  {'platform':<10} {'handle':<28} {'score':>5}  {'flag':<4} matched / reasons"
    ]
    for it in items:
        flag = "YES" if it["flagged"] else "-"
        matched = f"@{it['matched_account']}" if it["matched_account"] else ""
        lines.append(
            f"{it['row']:>4}  {it['platform']:<10} {it['handle'][:28]:<28} "
            f"{it['score']:>5.3f}  {flag:<4} {matched}"
        )
        for reason in it["reasons"]:
            lines.append(f"{'':>52}- {reason}")
    flagged = sum(1 for it in items if it["flagged"])
    lines.append(f"{len(items)} screened, {flagged} flagged")
    return "\n".join(lines)


def run_screen_cli(args: argparse.Namespace) -> int:
    path = Path(args.file)
    threshold = getattr(args, "threshold", None)
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        print("error: --threshold must be between 0 and 1", file=sys.stderr)
        return 2
    try:
        if not path.is_file():
            raise CsvError(f"no such file: {path}")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CsvError(f"file too large (over {MAX_FILE_BYTES // (1024 * 1024)} MB)")
        text, _encoding = decode(path.read_bytes())
        rows, notes = parse_rows(text, path.parent, _platform_codes())
    except (CsvError, csv.Error, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for note in notes:
        print(f"note: {note}", file=sys.stderr)

    from sifara.accounts.radar.engine import DEFAULT_THRESHOLD, RegistryIndex

    index = RegistryIndex(
        _registry(), threshold=DEFAULT_THRESHOLD if threshold is None else threshold
    )
    good = [r for r in rows if r.candidate is not None]
    results = list(index.screen_many(r.candidate for r in good if r.candidate is not None))
    items = [result_json(r, res) for r, res in zip(good, results, strict=True)]
    rejected = [r for r in rows if r.errors]
    for r in rows:
        for e in r.errors:
            print(f"row {r.number}: {e}", file=sys.stderr)
        for w in r.warnings:
            print(f"row {r.number}: warning: {w}", file=sys.stderr)

    if getattr(args, "format", "text") == "json":
        print(json.dumps(items, ensure_ascii=False, indent=1))
    else:
        print(_table(items))

    store = not getattr(args, "dry_run", False) and good
    if store and importlib.util.find_spec("sifara.accounts.review_services") is not None:
        services = importlib.import_module("sifara.accounts.review_services")
        counts = services.candidates_store_screened(
            results=[
                (r.candidate, res) for r, res in zip(good, results, strict=True) if r.candidate
            ],
            source="csv",
        )
        print(f"review queue: {counts}", file=sys.stderr)
    if rejected:
        print(f"{len(rejected)} row(s) rejected, {len(good)} screened", file=sys.stderr)
        return 1
    return 0
