"""Export of agreement records as CSV (the import's columns, so an export can
be re-imported) or JSON. Callers select the rows with the selectors and audit
the export through ``services.agreements_exported``."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from sifara.archive.models import Agreement
from sifara.core.models import Classification

#: Columns of the CSV (import and export). Lists are separated by ";".
COLUMNS = [
    "reference",
    "type",
    "title_ar",
    "title_en",
    "summary_ar",
    "summary_en",
    "multilateral",
    "countries",
    "organisations",
    "ministries",
    "topics",
    "classification",
    "place_en",
    "place_ar",
    "signed_on",
    "signatories",
    "authentic_languages",
    "ratified_on",
    "entry_into_force",
    "duration_years",
    "expires_on",
    "auto_renewal",
    "renewal_period_years",
    "notice_days",
    "status",
    "depositary",
    "un_registration",
    "files",
]
CLASSIFICATION_NAMES = {int(c): c.name.lower() for c in Classification}
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _date(value: Any) -> str:
    return value.isoformat() if value else ""


def record_of(agreement: Agreement, *, file_names: list[str]) -> dict[str, Any]:
    parties = list(agreement.parties.select_related("country"))
    return {
        "id": agreement.pk,
        "reference": agreement.reference,
        "type": agreement.kind,
        "title_ar": agreement.title_ar,
        "title_en": agreement.title_en,
        "summary_ar": agreement.summary_ar,
        "summary_en": agreement.summary_en,
        "multilateral": agreement.is_multilateral,
        "countries": sorted(p.country_id for p in parties if p.country_id),
        "organisations": [
            f"{p.organisation_en}|{p.organisation_ar}" for p in parties if not p.country_id
        ],
        "ministries": sorted(u.code for u in agreement.ministries.all()),
        "topics": sorted(t.code for t in agreement.topics.all()),
        "classification": CLASSIFICATION_NAMES[int(agreement.classification)],
        "place_en": agreement.place_en,
        "place_ar": agreement.place_ar,
        "signed_on": _date(agreement.signed_on),
        "signatories": agreement.signatories,
        "authentic_languages": list(agreement.authentic_languages or []),
        "ratified_on": _date(agreement.ratified_on),
        "entry_into_force": _date(agreement.entry_into_force),
        "duration_years": agreement.duration_years,
        "expires_on": _date(agreement.expires_on),
        "auto_renewal": agreement.auto_renewal,
        "renewal_period_years": agreement.renewal_period_years,
        "notice_days": agreement.notice_days,
        "status": agreement.status,
        "depositary": agreement.depositary,
        "un_registration": agreement.un_registration,
        "files": file_names,
    }


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def to_csv(records: Iterable[dict[str, Any]]) -> bytes:
    """UTF-8 with a BOM (spreadsheets), formula-looking cells defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", *COLUMNS])
    for record in records:
        writer.writerow([_cell(record.get(name)) for name in ["id", *COLUMNS]])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_json(records: Iterable[dict[str, Any]]) -> bytes:
    return json.dumps(list(records), ensure_ascii=False, indent=2).encode("utf-8")
