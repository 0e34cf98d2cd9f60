"""Reads of the official-accounts registry, permission-checked through
:mod:`sifara.core.policy`. Security posture and audits are visible only with
``accounts.view_posture``; everyone else gets 404 for them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sifara.accounts import risk
from sifara.accounts.models import (
    AccountAudit,
    AccountKind,
    AccountStatus,
    OfficialAccount,
    PersonalAccount,
    Platform,
    PlatformUsage,
    SecurityPosture,
)
from sifara.core import policy
from sifara.core.text import query_terms
from sifara.directory.models import Country, Unit, User

#: A host-country platform counts as "main" when its share is at least this
#: (percent) or it is among the country's top :data:`MAIN_PLATFORM_TOP` platforms.
MAIN_PLATFORM_SHARE = Decimal("10")
MAIN_PLATFORM_TOP = 5


def platform_list() -> QuerySet[Platform]:
    return Platform.objects.filter(is_active=True).order_by("name_en")


def official_account_list_for_user(
    *,
    user: User,
    unit_id: int | None = None,
    platform: str = "",
    status: str = "",
    kind: str = "",
    query: str = "",
) -> QuerySet[OfficialAccount]:
    if not policy.can(user, "accounts.view"):
        return OfficialAccount.objects.none()
    qs = OfficialAccount.objects.select_related("unit", "platform", "posture")
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if platform:
        qs = qs.filter(platform__code=platform)
    if status in AccountStatus.values:
        qs = qs.filter(status=status)
    if kind in AccountKind.values:
        qs = qs.filter(kind=kind)
    for term in query_terms(query):
        term = term.lstrip("@")
        if not term:
            continue
        qs = qs.filter(
            Q(handle__icontains=term)
            | Q(display_name_ar__icontains=term)
            | Q(display_name_en__icontains=term)
            | Q(office_title_ar__icontains=term)
            | Q(office_title_en__icontains=term)
            | Q(unit__name_ar__icontains=term)
            | Q(unit__name_en__icontains=term)
            | Q(unit__code__icontains=term)
        )
    return qs.order_by("unit__name_en", "platform__name_en", "handle")


def official_account_get_for_user(*, user: User, account_id: int) -> OfficialAccount:
    if not policy.can(user, "accounts.view"):
        raise Http404
    try:
        return (
            OfficialAccount.objects.select_related("unit", "platform")
            .prefetch_related(Prefetch("custodians", queryset=User.objects.order_by("username")))
            .get(pk=account_id)
        )
    except OfficialAccount.DoesNotExist as exc:
        raise Http404 from exc


@dataclass
class PostureView:
    posture: SecurityPosture
    score: int
    level: str
    factors: list[risk.RiskFactor]
    audit_overdue: bool
    audits: list[AccountAudit] = field(default_factory=list)


def posture_get_for_user(
    *, user: User, account: OfficialAccount, with_audits: bool = True
) -> PostureView:
    """The account's security posture with its risk factors. 404 without
    ``accounts.view_posture`` (not-visible and not-existing answer the same)."""
    if not policy.can(user, "accounts.view_posture"):
        raise Http404
    try:
        posture = account.posture
    except SecurityPosture.DoesNotExist:
        posture = SecurityPosture(account=account)
    today = timezone.localdate()
    score, factors = risk.score(posture, today=today)
    audits = (
        list(AccountAudit.objects.filter(account=account).select_related("auditor"))
        if with_audits
        else []
    )
    return PostureView(
        posture=posture,
        score=score,
        level=risk.level(score),
        factors=factors,
        audit_overdue=risk.audit_overdue(posture.last_audit_on, today=today),
        audits=audits,
    )


def custodians_for_user(*, user: User, account: OfficialAccount) -> list[User]:
    """The account's custodians the viewer may see in the directory (a liaison
    sees only people of their own units)."""
    return [
        person
        for person in account.custodians.all()
        if person.is_active and policy.may_view_person(user, person)
    ]


def posture_visible(*, user: User) -> bool:
    return policy.can(user, "accounts.view_posture")


@dataclass
class BoardRow:
    account: OfficialAccount
    posture: SecurityPosture
    score: int
    level: str
    factors: list[risk.RiskFactor]
    audit_overdue: bool


def security_board_for_user(*, user: User, unit_id: int | None = None) -> list[BoardRow]:
    """Every account still in service, weakest first (risk descending). 404
    without ``accounts.view_posture``."""
    if not policy.can(user, "accounts.view_posture"):
        raise Http404
    today = timezone.localdate()
    qs = (
        OfficialAccount.objects.select_related("unit", "platform", "posture")
        .exclude(status=AccountStatus.RETIRED)
        .order_by("handle")
    )
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    rows = []
    for account in qs:
        posture = getattr(account, "posture", None) or SecurityPosture(account=account)
        score, factors = risk.score(posture, today=today)
        rows.append(
            BoardRow(
                account=account,
                posture=posture,
                score=score,
                level=risk.level(score),
                factors=factors,
                audit_overdue=risk.audit_overdue(posture.last_audit_on, today=today),
            )
        )
    rows.sort(key=lambda row: (-row.score, not row.audit_overdue, row.account.handle))
    return rows


def personal_account_list_for_user(*, user: User, query: str = "") -> QuerySet[PersonalAccount]:
    """Personal accounts of officials: digital officers and administrators only."""
    if not policy.can(user, "accounts.edit"):
        raise Http404
    qs = PersonalAccount.objects.select_related("person", "platform")
    for term in query_terms(query):
        term = term.lstrip("@")
        qs = qs.filter(
            Q(handle__icontains=term)
            | Q(person__username__icontains=term)
            | Q(person__full_name_ar__icontains=term)
            | Q(person__full_name_en__icontains=term)
        )
    return qs.order_by("person__username", "platform__name_en", "handle")


def personal_account_get_for_user(*, user: User, account_id: int) -> PersonalAccount:
    if not policy.can(user, "accounts.edit"):
        raise Http404
    try:
        return PersonalAccount.objects.select_related("person", "platform").get(pk=account_id)
    except PersonalAccount.DoesNotExist as exc:
        raise Http404 from exc


# --- Platform guide -------------------------------------------------------------


def guide_countries_for_user(*, user: User) -> list[dict[str, Any]]:
    """Host countries of missions (and countries with guide entries), with counts."""
    if not policy.can(user, "accounts.view"):
        return []
    codes = set(
        Unit.objects.filter(is_active=True, host_country__isnull=False).values_list(
            "host_country_id", flat=True
        )
    ) | set(PlatformUsage.objects.values_list("country_id", flat=True))
    counts: dict[str, int] = {}
    for code in PlatformUsage.objects.values_list("country_id", flat=True):
        counts[code] = counts.get(code, 0) + 1
    countries = sorted(Country.objects.filter(code__in=codes), key=lambda c: c.name)
    return [{"country": c, "entries": counts.get(c.code, 0)} for c in countries]


def guide_get_for_user(*, user: User, country_code: str) -> tuple[Country, list[PlatformUsage]]:
    if not policy.can(user, "accounts.view"):
        raise Http404
    if len(country_code) != 2 or not country_code.isascii() or not country_code.isalpha():
        raise Http404
    country = Country.objects.filter(code=country_code.upper()).first()
    if country is None:
        raise Http404
    usage = list(
        PlatformUsage.objects.filter(country=country)
        .select_related("platform")
        .order_by("-share_percent", "platform__name_en")
    )
    return country, usage


def platform_usage_get_for_user(*, user: User, usage_id: int) -> PlatformUsage:
    if not policy.can(user, "accounts.platform_guide"):
        raise Http404
    try:
        return PlatformUsage.objects.select_related("platform", "country").get(pk=usage_id)
    except PlatformUsage.DoesNotExist as exc:
        raise Http404 from exc


def main_platforms(usage: list[PlatformUsage]) -> list[PlatformUsage]:
    """The country's main platforms: share >= 10 % or among the top five."""
    ordered = sorted(usage, key=lambda u: (-u.share_percent, u.platform.name_en))
    return [
        u
        for index, u in enumerate(ordered)
        if u.share_percent >= MAIN_PLATFORM_SHARE or index < MAIN_PLATFORM_TOP
    ]


@dataclass
class CoverageRow:
    usage: PlatformUsage
    accounts: list[OfficialAccount]

    @property
    def covered(self) -> bool:
        return bool(self.accounts)


@dataclass
class UnitCoverage:
    unit: Unit
    accounts: list[OfficialAccount]
    country: Country | None
    rows: list[CoverageRow]
    as_of: date | None = None

    @property
    def gaps(self) -> list[CoverageRow]:
        return [row for row in self.rows if not row.covered]


def unit_coverage_for_user(*, user: User, unit: Unit) -> UnitCoverage | None:
    """A unit's official accounts and, for a mission, which of its host country's
    main platforms it has a *documented* account on (the gaps flagged)."""
    if not policy.can(user, "accounts.view"):
        return None
    accounts = list(
        OfficialAccount.objects.filter(unit=unit)
        .select_related("platform")
        .order_by("platform__name_en", "handle")
    )
    country = unit.host_country if unit.host_country_id else None
    rows: list[CoverageRow] = []
    if country is not None:
        usage = list(PlatformUsage.objects.filter(country=country).select_related("platform"))
        documented: dict[int, list[OfficialAccount]] = {}
        for account in accounts:
            if account.status == AccountStatus.DOCUMENTED:
                documented.setdefault(account.platform_id, []).append(account)
        rows = [
            CoverageRow(usage=u, accounts=documented.get(u.platform_id, []))
            for u in main_platforms(usage)
        ]
    return UnitCoverage(unit=unit, accounts=accounts, country=country, rows=rows)
