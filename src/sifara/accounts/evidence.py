"""Evidence packs for takedown cases: a bilingual PDF (WeasyPrint) and a ZIP
holding the PDF, the original evidence files and a ``manifest.json`` with the
sha256 of every file.

The PDF is rendered from ``accounts/review/evidence_pack.html`` by
:func:`sifara.core.pdf.render_pdf` (vendored Arabic fonts, no network access).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from sifara import audit
from sifara.accounts.models import TakedownCase, TakedownEvidence
from sifara.accounts.review_selectors import profile_url, reasons_for_display, score_percent
from sifara.core import pdf as core_pdf
from sifara.core import policy
from sifara.core.errors import ApplicationError

if TYPE_CHECKING:
    from sifara.directory.models import User

IMAGE_MIME = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}


def case_number(case: TakedownCase) -> str:
    return f"TD-{case.pk:05d}"


@dataclass
class EvidenceItem:
    evidence: TakedownEvidence
    number: int
    filename: str
    kind: str
    stored_sha256: str
    actual_sha256: str
    size: int
    data: bytes = field(repr=False)

    @property
    def intact(self) -> bool:
        return self.stored_sha256 == self.actual_sha256

    @property
    def is_image(self) -> bool:
        return self.kind in IMAGE_MIME

    @property
    def data_uri(self) -> str:
        if not self.is_image:
            return ""
        encoded = base64.b64encode(self.data).decode()
        return f"data:{IMAGE_MIME[self.kind]};base64,{encoded}"

    @property
    def archive_path(self) -> str:
        return f"evidence/{self.number:02d}-{self.filename}"


def _evidence_items(case: TakedownCase) -> list[EvidenceItem]:
    items = []
    for number, evidence in enumerate(case.evidence.order_by("created_at", "pk"), start=1):
        try:
            with evidence.file.open("rb") as handle:
                data = handle.read()
        except (OSError, ValueError):
            data = b""
        filename = Path(evidence.file.name).name
        items.append(
            EvidenceItem(
                evidence=evidence,
                number=number,
                filename=filename,
                kind=Path(filename).suffix.lower().lstrip("."),
                stored_sha256=evidence.sha256,
                actual_sha256=hashlib.sha256(data).hexdigest() if data else "",
                size=len(data),
                data=data,
            )
        )
    return items


def _iso(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M %Z")
    return value.isoformat()


def _timeline(case: TakedownCase, items: list[EvidenceItem]) -> list[dict[str, str]]:
    candidate = case.candidate
    events: list[tuple[str, str, str]] = [
        (
            _iso(candidate.created_at),
            "First flagged by the impersonation radar",
            "رصدها رادار انتحال الصفة لأول مرة",
        )
    ]
    if candidate.reviewed_at:
        events.append(
            (
                _iso(candidate.reviewed_at),
                "Confirmed as an impersonator; takedown case opened",
                "تأكيد انتحال الصفة وفتح ملف الإزالة",
            )
        )
    for item in items:
        when = item.evidence.captured_at or item.evidence.created_at
        events.append(
            (
                _iso(when),
                f"Evidence {item.number} captured",
                f"التقاط الدليل رقم {item.number}",
            )
        )
    if case.reported_on:
        events.append(
            (_iso(case.reported_on), "Reported to the platform", "الإبلاغ عن الحساب لدى المنصة")
        )
    if case.removed_on:
        events.append((_iso(case.removed_on), "Removed by the platform", "أزالت المنصة الحساب"))
    events.sort(key=lambda event: event[0])
    return [{"when": when, "en": en, "ar": ar} for when, en, ar in events]


STATUS_LABELS = {
    "open": ("Open", "مفتوح"),
    "reported": ("Reported to the platform", "أُبلغت المنصة"),
    "removed": ("Removed", "أُزيل"),
    "closed": ("Closed without removal", "أُغلق دون إزالة"),
}


def _context(case: TakedownCase, items: list[EvidenceItem], actor: Any) -> dict[str, Any]:
    candidate = case.candidate
    official = candidate.matched_account
    status_en, status_ar = STATUS_LABELS.get(case.status, (case.status, case.status))
    return {
        "case": case,
        "case_number": case_number(case),
        "status_en": status_en,
        "status_ar": status_ar,
        "candidate": candidate,
        "candidate_url": profile_url(candidate.platform, candidate.handle, candidate.url),
        "official": official,
        "official_url": (
            profile_url(official.platform, official.handle, official.profile_url)
            if official
            else ""
        ),
        "reasons": [
            {"ar": ar.message, "en": en.message, "percent": ar.percent}
            for ar, en in zip(
                reasons_for_display(candidate.reasons, language="ar"),
                reasons_for_display(candidate.reasons, language="en"),
                strict=True,
            )
        ],
        "items": items,
        "timeline": _timeline(case, items),
        "ministry_ar": settings.SIFARA_MINISTRY_NAME_AR,
        "ministry_en": settings.SIFARA_MINISTRY_NAME_EN,
        "report_url": candidate.platform.report_url,
        "generated_at": _iso(timezone.now()),
        "generated_by_ar": getattr(actor, "full_name_ar", "") or getattr(actor, "username", ""),
        "generated_by_en": getattr(actor, "full_name_en", "") or getattr(actor, "username", ""),
        "fonts": core_pdf.font_faces(),
        "score_percent": score_percent(candidate.score),
    }


def render_pdf(case: TakedownCase, *, actor: Any = None) -> bytes:
    """The evidence pack as PDF bytes, without permission check or audit (the
    demo and tests); pages call :func:`evidence_pack_pdf`."""
    case = _load(case)
    return _render(case, _evidence_items(case), actor)


def _render(case: TakedownCase, items: list[EvidenceItem], actor: Any) -> bytes:
    with translation.override("ar"):
        html = render_to_string("accounts/review/evidence_pack.html", _context(case, items, actor))
    return core_pdf.render_pdf(html)


def _load(case: TakedownCase) -> TakedownCase:
    return TakedownCase.objects.select_related(
        "candidate",
        "candidate__platform",
        "candidate__matched_account",
        "candidate__matched_account__platform",
        "candidate__matched_account__unit",
    ).get(pk=case.pk)


def evidence_pack_pdf(*, actor: User, case: TakedownCase, request: Any = None) -> bytes:
    """The bilingual evidence pack as a PDF; audited."""
    policy.require(actor, "accounts.review")
    case = _load(case)
    items = _evidence_items(case)
    pdf = _render(case, items, actor)
    audit.record(
        actor=actor,
        action="accounts.evidence_exported",
        target=case,
        details={
            "format": "pdf",
            "sha256": hashlib.sha256(pdf).hexdigest(),
            "evidence": [item.evidence.pk for item in items],
        },
        request=request,
    )
    return pdf


def evidence_pack_zip(*, actor: User, case: TakedownCase, request: Any = None) -> bytes:
    """The PDF, every original evidence file and ``manifest.json`` (sha256 of
    each file) in one ZIP; audited."""
    policy.require(actor, "accounts.review")
    case = _load(case)
    items = _evidence_items(case)
    missing = [item.number for item in items if not item.data]
    if missing:
        from django.utils.translation import gettext as _

        raise ApplicationError(
            _("Some evidence files could not be read (%(numbers)s); the pack was not made.")
            % {"numbers": ", ".join(str(n) for n in missing)},
            status_code=409,
        )
    pdf = _render(case, items, actor)
    number = case_number(case)
    pdf_name = f"{number}-evidence-pack.pdf"
    candidate = case.candidate
    files = [
        {
            "path": pdf_name,
            "sha256": hashlib.sha256(pdf).hexdigest(),
            "bytes": len(pdf),
            "kind": "evidence_pack",
        }
    ]
    for item in items:
        files.append(
            {
                "path": item.archive_path,
                "sha256": item.actual_sha256,
                "sha256_recorded": item.stored_sha256,
                "intact": item.intact,
                "bytes": item.size,
                "kind": "evidence",
                "caption": item.evidence.caption,
                "captured_at": item.evidence.captured_at.isoformat()
                if item.evidence.captured_at
                else None,
            }
        )
    manifest = {
        "case": number,
        "status": case.status,
        "platform": candidate.platform.code,
        "impersonator": candidate.handle,
        "impersonator_url": profile_url(candidate.platform, candidate.handle, candidate.url),
        "official_account": candidate.matched_account.handle if candidate.matched_account else None,
        "report_url": candidate.platform.report_url,
        "reported_on": case.reported_on.isoformat() if case.reported_on else None,
        "platform_reference": case.platform_reference,
        "removed_on": case.removed_on.isoformat() if case.removed_on else None,
        "generated_at": timezone.now().isoformat(),
        "ministry": {
            "ar": settings.SIFARA_MINISTRY_NAME_AR,
            "en": settings.SIFARA_MINISTRY_NAME_EN,
        },
        "files": files,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(pdf_name, pdf)
        for item in items:
            archive.writestr(item.archive_path, item.data)
        archive.writestr(
            "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True)
        )
    data = buffer.getvalue()
    audit.record(
        actor=actor,
        action="accounts.evidence_exported",
        target=case,
        details={
            "format": "zip",
            "sha256": hashlib.sha256(data).hexdigest(),
            "evidence": [item.evidence.pk for item in items],
        },
        request=request,
    )
    return data
