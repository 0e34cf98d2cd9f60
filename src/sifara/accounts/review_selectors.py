"""Reads of the impersonation radar's review side, permission-checked.

Only holders of ``accounts.review`` (digital officers and administrators) see
candidates and takedown cases; for everyone else a list is empty and a record
answers 404, the same as one that does not exist.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils.translation import get_language

from sifara.accounts.models import (
    Candidate,
    CandidateStatus,
    Platform,
    TakedownCase,
    TakedownEvidence,
    TakedownStatus,
)
from sifara.core import policy

if TYPE_CHECKING:
    from sifara.directory.models import User

_STATUS_ORDER = Case(
    When(status=CandidateStatus.PENDING, then=Value(0)),
    When(status=CandidateStatus.CONFIRMED, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def may_review(user: User | Any) -> bool:
    return policy.can(user, "accounts.review")


def candidate_list_for_user(
    *, user: User, status: str = "", platform: str = "", query: str = ""
) -> QuerySet[Candidate]:
    """The review queue: pending first, then the highest score first."""
    if not may_review(user):
        return Candidate.objects.none()
    qs = Candidate.objects.select_related(
        "platform", "matched_account", "matched_account__platform", "matched_account__unit"
    ).annotate(status_order=_STATUS_ORDER)
    if status in CandidateStatus.values:
        qs = qs.filter(status=status)
    if platform:
        qs = qs.filter(platform__code=platform)
    if query:
        term = query.strip().lstrip("@")
        qs = qs.filter(
            Q(handle__icontains=term)
            | Q(display_name__icontains=term)
            | Q(matched_account__handle__icontains=term)
        )
    return qs.order_by("status_order", "-score", "-created_at", "pk")


def candidate_counts_for_user(*, user: User) -> dict[str, int]:
    if not may_review(user):
        return {}
    rows = Candidate.objects.values("status").annotate(n=Count("id"))
    counts = {status: 0 for status in CandidateStatus.values}
    counts.update({row["status"]: row["n"] for row in rows})
    counts["open_cases"] = TakedownCase.objects.filter(
        status__in=[TakedownStatus.OPEN, TakedownStatus.REPORTED]
    ).count()
    return counts


def candidate_get_for_user(*, user: User, candidate_id: int) -> Candidate:
    if not may_review(user):
        raise Http404
    try:
        return Candidate.objects.select_related(
            "platform",
            "matched_account",
            "matched_account__platform",
            "matched_account__unit",
            "reviewed_by",
        ).get(pk=candidate_id)
    except Candidate.DoesNotExist as exc:
        raise Http404 from exc


def takedown_get_for_user(*, user: User, case_id: int) -> TakedownCase:
    if not may_review(user):
        raise Http404
    try:
        return TakedownCase.objects.select_related(
            "candidate",
            "candidate__platform",
            "candidate__matched_account",
            "candidate__matched_account__platform",
            "candidate__matched_account__unit",
            "candidate__reviewed_by",
        ).get(pk=case_id)
    except TakedownCase.DoesNotExist as exc:
        raise Http404 from exc


def evidence_list_for_case(*, user: User, case: TakedownCase) -> list[TakedownEvidence]:
    if not may_review(user):
        return []
    return list(case.evidence.order_by("created_at", "pk"))


def evidence_get_for_user(*, user: User, case_id: int, evidence_id: int) -> TakedownEvidence:
    if not may_review(user):
        raise Http404
    try:
        return TakedownEvidence.objects.select_related("case").get(pk=evidence_id, case_id=case_id)
    except TakedownEvidence.DoesNotExist as exc:
        raise Http404 from exc


def platforms_with_candidates() -> list[Platform]:
    return list(Platform.objects.filter(candidate__isnull=False).distinct().order_by("name_en"))


@dataclass(frozen=True)
class ShownReason:
    code: str
    message: str
    weight: float
    percent: int


def reasons_for_display(
    reasons: list[dict[str, Any]], *, language: str | None = None, limit: int | None = None
) -> list[ShownReason]:
    """Stored reasons in the active language (Arabic unless English is active),
    strongest first."""
    lang = (language or get_language() or "ar")[:2]
    key, fallback = ("en", "ar") if lang == "en" else ("ar", "en")
    shown = []
    for reason in sorted(reasons or [], key=lambda r: -float(r.get("weight") or 0)):
        weight = float(reason.get("weight") or 0)
        shown.append(
            ShownReason(
                code=str(reason.get("code", "")),
                message=str(reason.get(key) or reason.get(fallback) or reason.get("code", "")),
                weight=weight,
                percent=max(0, min(100, round(weight * 100))),
            )
        )
    return shown[:limit] if limit else shown


def profile_url(platform: Platform, handle: str, given: str = "") -> str:
    """The candidate's profile address: the one supplied, else built from the handle."""
    if given:
        return given
    if platform.code == "mastodon" and "@" in handle:
        user, instance = handle.split("@", 1)
        return f"https://{instance}/@{user}"
    try:
        return platform.profile_url(handle)
    except (KeyError, IndexError, ValueError):
        return ""


def score_percent(score: float) -> int:
    """A score as a whole percentage, rounded down (0.999 shows as 99, not 100)."""
    return max(0, min(100, math.floor(float(score) * 100 + 1e-9)))


def score_level(score: float) -> str:
    """A Bootstrap colour for a radar score."""
    if score >= 0.85:
        return "danger"
    if score >= 0.7:
        return "warning"
    return "secondary"
