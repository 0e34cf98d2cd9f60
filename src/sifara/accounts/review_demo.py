"""Demonstration review queue for the impersonation radar (run after the
registry demo, ``sifara.accounts.demo.load_accounts_demo``).

Screens a realistic set of look-alike accounts against the demo registry so the
queue has pending candidates, one confirmed impersonator with an open takedown
case (and a mock screenshot as evidence) and one parody dismissed as such.
Fictional handles only. Idempotent: a re-run re-scores pending candidates and
leaves reviewed ones alone.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta
from typing import TextIO

from django.utils import timezone

from sifara.accounts import review_services as services
from sifara.accounts.models import (
    AccountStatus,
    Candidate,
    CandidateSource,
    CandidateStatus,
    DismissReason,
    OfficialAccount,
    TakedownCase,
)
from sifara.core import policy
from sifara.core.errors import ApplicationError
from sifara.directory.models import User

REVIEWERS = ("digital.hq", "admin")


@dataclass(frozen=True)
class DemoCandidate:
    platform: str
    handle: str
    display_name: str = ""
    bio: str = ""
    url: str = ""
    followers: int | None = None
    age_days: int | None = None
    role: str = ""  # "confirm", "parody" or ""


def _official(platform: str, *preferred: str) -> OfficialAccount | None:
    qs = OfficialAccount.objects.filter(
        platform__code=platform, status=AccountStatus.DOCUMENTED
    ).select_related("unit")
    for handle in preferred:
        found = qs.filter(handle=handle).first()
        if found:
            return found
    return qs.order_by("pk").first()


def _swap_o(handle: str) -> str:
    return handle.replace("o", "0", 1) if "o" in handle else handle + "0"


def demo_candidates() -> list[DemoCandidate]:
    """Look-alikes of the demo registry's HQ and mission accounts."""
    items: list[DemoCandidate] = []
    hq = _official("x", "mfa_demo")
    if hq is not None:
        base, en, ar = hq.handle, hq.display_name_en, hq.display_name_ar
        items += [
            DemoCandidate(
                "x",
                f"{base}_official",
                ar or en,
                "الحساب الرسمي لوزارة الخارجية. تابعونا لآخر الأخبار والتأشيرات العاجلة.",
                followers=312,
                age_days=9,
                role="confirm",
            ),
            DemoCandidate("x", _swap_o(base), en, followers=48, age_days=21),
            DemoCandidate(
                "x",
                f"the_{base}",
                "Not the Ministry of Foreign Affairs (parody)",
                "Satire account. Not affiliated with any government.",
                followers=5400,
                age_days=700,
                role="parody",
            ),
            DemoCandidate(
                "x",
                base.replace("_", "") + "_news",
                "Ministry of Fоreign Affairs (demo)",  # Cyrillic "о"
                followers=120,
                age_days=30,
            ),
        ]
    for platform in ("instagram", "telegram", "tiktok"):
        account = _official(platform, "mfa_demo")
        if account is None:
            continue
        handle = account.handle
        variants = {
            "instagram": DemoCandidate(
                "instagram",
                handle.replace("_", ".") + ".ar",
                account.display_name_ar,
                followers=77,
                age_days=14,
            ),
            "telegram": DemoCandidate(
                "telegram",
                handle + "_gov",
                account.display_name_ar,
                "القناة الرسمية",
                followers=950,
                age_days=40,
            ),
            "tiktok": DemoCandidate(
                "tiktok", handle.replace("m", "rn", 1), account.display_name_en, followers=15
            ),
        }
        items.append(variants[platform])
    mission = (
        OfficialAccount.objects.filter(
            platform__code="x", status=AccountStatus.DOCUMENTED, unit__host_country__isnull=False
        )
        .exclude(handle__startswith="mfa_")
        .order_by("handle")
        .first()
    )
    if mission is not None:
        items.append(
            DemoCandidate(
                "x",
                mission.handle + "_official",
                mission.display_name_en,
                followers=64,
                age_days=6,
            )
        )
        doubled = mission.handle.replace("s", "ss", 1) if "s" in mission.handle else None
        if doubled:
            items.append(DemoCandidate("x", doubled, mission.display_name_ar, followers=230))
    # Look-alikes that must not be flagged: screened, not stored.
    items.append(DemoCandidate("x", "tokyo_food_diaries", "Tokyo Food Diaries", followers=18000))
    return items


def _mock_screenshot(handle: str, display_name: str) -> bytes:
    """A plain PNG standing in for a screenshot of the impersonating profile."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (1000, 560), "#ffffff")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 1000, 200), fill="#1d3b5a")
    draw.ellipse((40, 130, 200, 290), fill="#b8912f", outline="#ffffff", width=6)
    try:
        big = ImageFont.load_default(size=40)
        small = ImageFont.load_default(size=26)
    except TypeError:  # Pillow without FreeType
        big = small = ImageFont.load_default()
    draw.text((40, 310), display_name.encode("ascii", "ignore").decode() or handle, "#111", big)
    draw.text((40, 365), f"@{handle}", "#536471", small)
    draw.text((40, 420), "Official account - news, visas and urgent notices", "#111", small)
    draw.text((40, 470), "312 Followers    Joined recently", "#536471", small)
    draw.rectangle((760, 230, 960, 280), outline="#cfd9de", width=3)
    draw.text((800, 240), "Follow", "#111", small)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _reviewer() -> User | None:
    for username in REVIEWERS:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is not None and policy.can(user, "accounts.review"):
            return user
    return None


def load_review_demo(*, out: TextIO | None = None) -> dict[str, int]:
    """Fill the review queue (see the module docstring). Returns counts."""
    today = timezone.localdate()
    stored: dict[str, Candidate] = {}
    roles: dict[str, str] = {}
    counts = {"screened": 0, "queued": 0, "confirmed": 0, "dismissed": 0}
    for item in demo_candidates():
        counts["screened"] += 1
        try:
            candidate = services.candidate_screen(
                actor=None,
                platform=item.platform,
                handle=item.handle,
                display_name=item.display_name,
                bio=item.bio,
                url=item.url,
                followers=item.followers,
                created=today - timedelta(days=item.age_days) if item.age_days else None,
                source=CandidateSource.MANUAL,
            )
        except ApplicationError:
            continue  # a platform missing from this installation
        if candidate is not None:
            stored[candidate.handle] = candidate
            if item.role:
                roles[item.role] = candidate.handle
    counts["queued"] = len(stored)
    reviewer = _reviewer()
    if reviewer is not None:
        confirm = stored.get(roles.get("confirm", ""))
        if confirm is None:
            pending = [c for c in stored.values() if c.status == CandidateStatus.PENDING]
            confirm = max(pending, key=lambda c: c.score, default=None)
        if confirm is not None:
            if confirm.status != CandidateStatus.CONFIRMED:
                services.candidate_confirm(
                    actor=reviewer,
                    candidate=confirm,
                    note="Copies the ministry's name and promises urgent visas (demo).",
                )
            case = TakedownCase.objects.get(candidate=confirm)
            if not case.evidence.exists():
                services.evidence_add(
                    actor=reviewer,
                    case=case,
                    file=_mock_screenshot(confirm.handle, confirm.display_name),
                    caption="Profile page of the impersonating account (demo)",
                    captured_at=timezone.now() - timedelta(hours=3),
                )
            counts["confirmed"] = 1
        parody = stored.get(roles.get("parody", ""))
        if parody is not None and parody.status == CandidateStatus.PENDING:
            services.candidate_dismiss(
                actor=reviewer,
                candidate=parody,
                reason=DismissReason.PARODY,
                note="Clearly labelled satire (demo).",
            )
        if parody is not None:
            counts["dismissed"] = 1
    if out is not None:
        out.write(
            f"Impersonation radar demo: {counts['screened']} accounts screened, "
            f"{counts['queued']} in the review queue, {counts['confirmed']} confirmed "
            f"with a takedown case, {counts['dismissed']} dismissed as parody.\n"
        )
    return counts
