"""Reads for the public verification service (no login).

Everything here answers for *anyone on the internet*, so it returns frozen
projections carrying only public fields — never model instances, so a
template or serializer cannot reach custodians, security posture, audits,
or candidates under review or dismissed.

What counts:

* **official**: an :class:`OfficialAccount` whose status is *documented*;
* **former official**: *suspended* or *retired* (said plainly: no longer an
  official channel);
* **impersonator**: a :class:`Candidate` a reviewer *confirmed*, with the
  date it was reported to the platform (from its takedown case);
* everything else (pending accounts, candidates pending or dismissed,
  unknown handles) is **not in the registry**.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sifara.accounts.handles import CanonicalHandle, HandleError, canonicalise, default_domains
from sifara.accounts.models import (
    AccountKind,
    AccountStatus,
    Candidate,
    CandidateStatus,
    OfficialAccount,
    Platform,
)
from sifara.directory.models import UnitKind, localized


class VerifyResult(StrEnum):
    OFFICIAL = "official"
    IMPERSONATOR = "impersonator"
    NOT_FOUND = "not_found"


class MatchKind(StrEnum):
    OFFICIAL = "official"
    FORMER_OFFICIAL = "former_official"
    IMPERSONATOR = "impersonator"


@dataclass(frozen=True)
class PublicUnit:
    code: str
    kind: str
    name_en: str
    name_ar: str

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def is_hq(self) -> bool:
        return self.kind == UnitKind.HQ_DEPARTMENT


@dataclass(frozen=True)
class PublicPlatform:
    code: str
    name_en: str
    name_ar: str

    @property
    def name(self) -> str:
        return localized(self, "name")


@dataclass(frozen=True)
class PublicAccount:
    """What the public may know about an official (or formerly official) account."""

    unit: PublicUnit
    platform: PublicPlatform
    handle: str
    handle_display: str
    profile_url: str
    platform_account_id: str
    kind: str
    display_name_en: str
    display_name_ar: str
    office_title_en: str
    office_title_ar: str
    platform_verified: bool
    platform_verified_on: date | None
    documented_on: date | None
    status: str
    updated_at: datetime = field(compare=False)

    @property
    def display_name(self) -> str:
        return localized(self, "display_name") or self.handle

    @property
    def office_title(self) -> str:
        return localized(self, "office_title")

    @property
    def at_handle(self) -> str:
        return "@" + (self.handle_display.lstrip("@") or self.handle)

    @property
    def is_official(self) -> bool:
        return self.status == AccountStatus.DOCUMENTED

    @property
    def status_label(self) -> str:
        return str(AccountStatus(self.status).label)

    @property
    def kind_label(self) -> str:
        return str(AccountKind(self.kind).label) if self.kind in AccountKind.values else ""


@dataclass(frozen=True)
class PublicImpersonator:
    """A confirmed impersonator: the platform, the handle and when it was reported."""

    platform: PublicPlatform
    handle: str
    display_name: str
    reported_on: date | None
    removed: bool
    #: The documented account it imitates (``None`` when that is not public).
    imitates: PublicAccount | None

    @property
    def at_handle(self) -> str:
        return "@" + self.handle


@dataclass(frozen=True)
class VerifyMatch:
    kind: MatchKind
    account: PublicAccount | None = None
    impersonator: PublicImpersonator | None = None

    @property
    def platform(self) -> PublicPlatform:
        if self.account is not None:
            return self.account.platform
        assert self.impersonator is not None
        return self.impersonator.platform


@dataclass(frozen=True)
class VerifyOutcome:
    reference: CanonicalHandle
    result: VerifyResult
    matches: tuple[VerifyMatch, ...]

    @property
    def at_handle(self) -> str:
        return "@" + self.reference.handle


@dataclass(frozen=True)
class DirectoryGroup:
    unit: PublicUnit
    accounts: tuple[PublicAccount, ...]


# --- projections ----------------------------------------------------------------------


def _platform(platform: Platform) -> PublicPlatform:
    return PublicPlatform(code=platform.code, name_en=platform.name_en, name_ar=platform.name_ar)


def _safe_url(url: str) -> str:
    """Only http(s) links are ever rendered as links."""
    return url if url.lower().startswith(("https://", "http://")) else ""


def profile_url_for(platform: Platform, handle: str, stored: str = "") -> str:
    """The account's profile link: the recorded one, else the platform's URL shape."""
    if stored:
        return _safe_url(stored)
    template = platform.profile_url_template or ""
    try:
        if "{instance}" in template or "{user}" in template:
            user, _sep, instance = handle.partition("@")
            if not instance:
                return ""
            return _safe_url(template.format(user=user, instance=instance))
        return _safe_url(template.format(handle=handle))
    except (KeyError, IndexError, ValueError):
        return ""


def _account(account: OfficialAccount) -> PublicAccount:
    unit = account.unit
    return PublicAccount(
        unit=PublicUnit(code=unit.code, kind=unit.kind, name_en=unit.name_en, name_ar=unit.name_ar),
        platform=_platform(account.platform),
        handle=account.handle,
        handle_display=account.handle_display,
        profile_url=profile_url_for(account.platform, account.handle, account.profile_url),
        platform_account_id=account.platform_account_id,
        kind=account.kind,
        display_name_en=account.display_name_en,
        display_name_ar=account.display_name_ar,
        office_title_en=account.office_title_en,
        office_title_ar=account.office_title_ar,
        platform_verified=account.platform_verified,
        platform_verified_on=account.platform_verified_on if account.platform_verified else None,
        documented_on=account.documented_on,
        status=account.status,
        updated_at=max(account.updated_at, unit.updated_at, account.platform.updated_at),
    )


def _impersonator(candidate: Candidate) -> PublicImpersonator:
    takedown = getattr(candidate, "takedown", None)
    imitated = candidate.matched_account
    return PublicImpersonator(
        platform=_platform(candidate.platform),
        handle=candidate.handle.lower(),
        display_name=candidate.display_name,
        reported_on=takedown.reported_on if takedown is not None else None,
        removed=takedown is not None and takedown.removed_on is not None,
        imitates=(
            _account(imitated)
            if imitated is not None and imitated.status == AccountStatus.DOCUMENTED
            else None
        ),
    )


# --- selectors --------------------------------------------------------------------------


def public_platform_list() -> list[PublicPlatform]:
    """The active platforms, for the "which platform?" select, in the active language's order."""
    platforms = [_platform(p) for p in Platform.objects.filter(is_active=True)]
    return sorted(platforms, key=lambda p: p.name.casefold())


def platform_domains() -> dict[str, str]:
    """Host name → platform code, from the configured platforms (built-ins as fallback)."""
    domains: dict[str, str] = {}
    for code, hosts in Platform.objects.filter(is_active=True).values_list("code", "domains"):
        for host in hosts or []:
            domains[str(host).lower()] = code
    return domains or default_domains()


def account_reference_parse(*, text: str | None, platform: str | None = None) -> CanonicalHandle:
    """A pasted link or handle as a canonical reference; :class:`HandleError` when unusable."""
    platform = (platform or "").strip() or None
    if platform is not None and not Platform.objects.filter(code=platform, is_active=True).exists():
        raise HandleError(_("Choose a platform from the list."))
    return canonicalise(text or "", platform=platform, domains=platform_domains())


def _official_matches(reference: CanonicalHandle) -> list[VerifyMatch]:
    handle_q = Q(handle=reference.handle)
    if reference.by_id:
        handle_q |= Q(platform_account_id__iexact=reference.handle)
    queryset = OfficialAccount.objects.filter(
        handle_q,
        status__in=[AccountStatus.DOCUMENTED, AccountStatus.SUSPENDED, AccountStatus.RETIRED],
    ).select_related("unit", "platform")
    if reference.platform is not None:
        queryset = queryset.filter(platform__code=reference.platform)
    return [
        VerifyMatch(
            kind=(
                MatchKind.OFFICIAL
                if account.status == AccountStatus.DOCUMENTED
                else MatchKind.FORMER_OFFICIAL
            ),
            account=_account(account),
        )
        for account in queryset
    ]


def _impersonator_matches(reference: CanonicalHandle) -> list[VerifyMatch]:
    queryset = Candidate.objects.filter(
        status=CandidateStatus.CONFIRMED, handle__iexact=reference.handle
    ).select_related("platform", "takedown", "matched_account__unit", "matched_account__platform")
    if reference.platform is not None:
        queryset = queryset.filter(platform__code=reference.platform)
    return [
        VerifyMatch(kind=MatchKind.IMPERSONATOR, impersonator=_impersonator(c)) for c in queryset
    ]


_MATCH_ORDER = {MatchKind.OFFICIAL: 0, MatchKind.IMPERSONATOR: 1, MatchKind.FORMER_OFFICIAL: 2}


def account_verify(*, text: str | None, platform: str | None = None) -> VerifyOutcome:
    """Is this account official? Raises :class:`HandleError` for unusable input.

    A bare handle without a platform is looked up on every platform and may
    match several accounts. The overall result is *official* when any match is
    a documented account, else *impersonator* when any is a confirmed
    impersonator, else *not_found* (former official accounts are listed among
    the matches but are not official).
    """
    reference = account_reference_parse(text=text, platform=platform)
    matches = _official_matches(reference) + _impersonator_matches(reference)
    matches.sort(key=lambda m: (_MATCH_ORDER[m.kind], m.platform.name.casefold()))
    kinds = {m.kind for m in matches}
    if MatchKind.OFFICIAL in kinds:
        result = VerifyResult.OFFICIAL
    elif MatchKind.IMPERSONATOR in kinds:
        result = VerifyResult.IMPERSONATOR
    else:
        result = VerifyResult.NOT_FOUND
    return VerifyOutcome(reference=reference, result=result, matches=tuple(matches))


def documented_account_list() -> list[PublicAccount]:
    """Every documented account, in a stable order (unit code, platform code, handle)."""
    queryset = (
        OfficialAccount.objects.filter(status=AccountStatus.DOCUMENTED)
        .select_related("unit", "platform")
        .order_by("unit__code", "platform__code", "handle", "pk")
    )
    return [_account(a) for a in queryset]


def documented_account_directory() -> list[DirectoryGroup]:
    """Documented accounts grouped by unit: HQ first, then missions and others by name."""
    groups: dict[str, list[PublicAccount]] = {}
    units: dict[str, PublicUnit] = {}
    for account in documented_account_list():
        units[account.unit.code] = account.unit
        groups.setdefault(account.unit.code, []).append(account)
    ordered = sorted(units.values(), key=lambda u: (not u.is_hq, u.name.casefold(), u.code))
    return [
        DirectoryGroup(
            unit=unit,
            accounts=tuple(
                sorted(groups[unit.code], key=lambda a: (a.platform.name.casefold(), a.handle))
            ),
        )
        for unit in ordered
    ]


def documented_account_count() -> int:
    return OfficialAccount.objects.filter(status=AccountStatus.DOCUMENTED).count()
