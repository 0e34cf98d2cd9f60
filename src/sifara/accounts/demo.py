"""Demonstration content for the registry (loaded by ``sifara demo``).

Fictional: every handle starts with ``demo_`` or ``mfa_demo``/``fm_demo`` and
belongs to no real government; the platform-guide figures are invented and
say so in their source. Idempotent: re-running updates rows in place.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TextIO

from django.db import transaction
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
from sifara.accounts.platforms import upsert_platforms
from sifara.directory.models import MISSION_KINDS, Country, Unit, User

DEMO_SOURCE = "Demo figures (fictional)"
GUIDE_AS_OF = date(2026, 1, 1)

# Platform profiles (fictional shares, percent of social-media users).
_WEST = {
    "youtube": 62,
    "facebook": 55,
    "instagram": 46,
    "whatsapp": 38,
    "tiktok": 31,
    "linkedin": 24,
    "x": 21,
}
_LATIN = {"whatsapp": 85, "youtube": 70, "facebook": 64, "instagram": 60, "tiktok": 41, "x": 14}
_GULF = {
    "whatsapp": 82,
    "youtube": 66,
    "instagram": 61,
    "snapchat": 52,
    "x": 46,
    "tiktok": 44,
    "facebook": 24,
}
_ARAB = {
    "facebook": 71,
    "whatsapp": 66,
    "youtube": 61,
    "tiktok": 42,
    "instagram": 39,
    "telegram": 21,
    "x": 11,
}
_AFRICA = {
    "whatsapp": 76,
    "facebook": 61,
    "youtube": 52,
    "tiktok": 36,
    "instagram": 31,
    "x": 19,
    "linkedin": 14,
}
_SOUTH_ASIA = {
    "whatsapp": 81,
    "youtube": 74,
    "instagram": 54,
    "facebook": 50,
    "telegram": 24,
    "x": 19,
    "linkedin": 17,
}
_SOUTHEAST_ASIA = {
    "whatsapp": 83,
    "youtube": 71,
    "facebook": 63,
    "instagram": 52,
    "tiktok": 47,
    "x": 15,
}
COUNTRY_PROFILES: dict[str, dict[str, int]] = {
    **dict.fromkeys(["US", "CA", "GB", "FR", "DE", "BE", "CH", "ES", "IT", "AU", "NZ"], _WEST),
    **dict.fromkeys(["MX", "BR", "AR"], _LATIN),
    **dict.fromkeys(["SA", "AE", "QA"], _GULF),
    **dict.fromkeys(["EG", "JO", "MA", "DZ", "TN"], _ARAB),
    **dict.fromkeys(["KE", "ET", "NG", "ZA"], _AFRICA),
    **dict.fromkeys(["IN", "PK"], _SOUTH_ASIA),
    **dict.fromkeys(["ID", "MY"], _SOUTHEAST_ASIA),
    "TR": {"youtube": 71, "whatsapp": 70, "instagram": 61, "x": 36, "facebook": 31, "tiktok": 30},
    "RU": {"telegram": 66, "youtube": 56, "whatsapp": 49, "tiktok": 24, "instagram": 8, "x": 4},
    "JP": {"youtube": 66, "x": 46, "instagram": 45, "tiktok": 21, "facebook": 12},
    "KR": {"youtube": 71, "instagram": 51, "facebook": 14, "tiktok": 14, "x": 10},
    "CN": {"weibo": 41, "linkedin": 1},
}

# Platforms added "by configuration" for the demo (not in the built-in list).
EXTRA_PLATFORMS = [
    ("weibo", "Weibo", "ويبو", ["weibo.com", "m.weibo.cn"], "https://weibo.com/{handle}", ""),
]

_KIND_WORD = {
    "embassy": "embassy",
    "consulate_general": "consulate",
    "consulate": "consulate",
    "permanent_mission": "mission",
    "honorary_consulate": "honconsul",
}
_CODE_PREFIXES = ("emb-", "cg-", "con-", "pm-", "hc-")

# Missions whose third main platform is left out on purpose (the unit page shows the gap).
GAP_MISSIONS = {"emb-paris", "emb-nairobi", "emb-riyadh", "emb-seoul"}

# (unit code, platform, handle, kind, status, name EN, name AR, office EN, office AR)
HQ_ACCOUNTS: list[tuple[str, str, str, str, str, str, str, str, str]] = [
    *(
        (
            "hq",
            platform,
            handle,
            "institutional",
            "documented",
            "Ministry of Foreign Affairs (demo)",
            "وزارة الخارجية (تجريبي)",
            "",
            "",
        )
        for platform, handle in [
            ("x", "mfa_demo"),
            ("facebook", "mfa_demo"),
            ("instagram", "mfa_demo"),
            ("youtube", "mfa_demo"),
            ("tiktok", "mfa_demo"),
            ("telegram", "mfa_demo"),
            ("threads", "mfa_demo"),
            ("linkedin", "mfa-demo"),
            ("snapchat", "mfa_demo"),
            ("bluesky", "mfa-demo.bsky.social"),
            ("mastodon", "mfa_demo@social.example"),
        ]
    ),
    (
        "hq-digital",
        "x",
        "mfa_demo_digital",
        "institutional",
        "documented",
        "Digital Diplomacy (demo)",
        "الدبلوماسية الرقمية (تجريبي)",
        "",
        "",
    ),
    (
        "hq-digital",
        "youtube",
        "mfa_demo_digital",
        "institutional",
        "pending",
        "Digital Diplomacy (demo)",
        "الدبلوماسية الرقمية (تجريبي)",
        "",
        "",
    ),
    (
        "hq-minister",
        "x",
        "fm_demo",
        "office_holder",
        "documented",
        "Foreign Minister (demo)",
        "وزير الخارجية (تجريبي)",
        "Minister of Foreign Affairs",
        "وزير الخارجية",
    ),
    (
        "hq-consular",
        "x",
        "mfa_demo_consular",
        "institutional",
        "documented",
        "Consular Affairs (demo)",
        "الشؤون القنصلية (تجريبي)",
        "",
        "",
    ),
]

# Weak postures on purpose: (platform, handle) -> posture fields.
WEAK_POSTURES: dict[tuple[str, str], dict[str, object]] = {
    ("x", "demo_embassy_cairo"): {
        "two_factor_enabled": False,
        "recovery_email_institutional": False,
        "people_with_access": 6,
        "last_password_rotation": None,
        "login_alerts_enabled": False,
        "audit_days_ago": None,
    },
    ("tiktok", "mfa_demo"): {
        "two_factor_enabled": False,
        "recovery_phone_institutional": False,
        "audit_days_ago": 260,
    },
    ("instagram", "demo_consulate_dubai"): {
        "people_with_access": 5,
        "last_password_rotation_days": 400,
        "audit_days_ago": 320,
    },
    ("facebook", "demo_embassy_nairobi"): {
        "login_alerts_enabled": False,
        "last_password_rotation": None,
        "recovery_email_institutional": False,
    },
    ("telegram", "demo_embassy_moscow"): {
        "two_factor_enabled": False,
        "audit_days_ago": None,
    },
}

CUSTODIANS: dict[str, list[str]] = {
    "emb-tokyo": ["hom.tokyo", "digital.hq"],
    "emb-london": ["diplomat.london", "hom.london"],
    "cg-dubai": ["consular.dubai"],
    "del-climate-bonn": ["delegate.bonn"],
}


def _mission_handle(unit: Unit) -> str:
    slug = unit.code
    for prefix in _CODE_PREFIXES:
        if slug.startswith(prefix):
            slug = slug[len(prefix) :]
            break
    return f"demo_{_KIND_WORD.get(unit.kind, 'mission')}_{slug.replace('-', '_')}"


def _guide(countries: set[str]) -> int:
    platforms = {p.code: p for p in Platform.objects.all()}
    count = 0
    for code in sorted(countries):
        profile = COUNTRY_PROFILES.get(code)
        country = Country.objects.filter(code=code).first()
        if profile is None or country is None:
            continue
        for platform_code, share in profile.items():
            platform = platforms.get(platform_code)
            if platform is None:
                continue
            PlatformUsage.objects.update_or_create(
                country=country,
                platform=platform,
                defaults={
                    "share_percent": Decimal(share),
                    "source": DEMO_SOURCE,
                    "as_of": GUIDE_AS_OF,
                },
            )
            count += 1
    return count


def _posture(account: OfficialAccount, auditor: User | None, today: date) -> None:
    weak = dict(WEAK_POSTURES.get((account.platform.code, account.handle), {}))
    audit_days = weak.pop("audit_days_ago", 40 + account.pk % 90)
    rotation_days = weak.pop("last_password_rotation_days", 30 + account.pk % 100)
    values: dict[str, object] = {
        "two_factor_enabled": True,
        "recovery_email_institutional": True,
        "recovery_phone_institutional": True,
        "people_with_access": 2 + account.pk % 2,
        "last_password_rotation": today - timedelta(days=int(str(rotation_days))),
        "login_alerts_enabled": True,
        "last_audit_on": (
            None if audit_days is None else today - timedelta(days=int(str(audit_days)))
        ),
    }
    values.update(weak)
    posture, _created = SecurityPosture.objects.get_or_create(account=account)
    for key, value in values.items():
        setattr(posture, key, value)
    posture.risk_score, _factors = risk.score(posture, today=today)
    posture.save()
    if (
        auditor is not None
        and posture.last_audit_on is not None
        and not AccountAudit.objects.filter(account=account).exists()
    ):
        AccountAudit.objects.create(
            account=account,
            audited_on=posture.last_audit_on,
            auditor=auditor,
            findings="Demo audit: settings reviewed, access list confirmed.",
            passed=posture.two_factor_enabled,
        )


def _account(
    *,
    unit: Unit,
    platform: Platform,
    handle: str,
    kind: str,
    status: str,
    names: tuple[str, str],
    office: tuple[str, str] = ("", ""),
    custodians: list[User],
    today: date,
) -> OfficialAccount:
    if platform.code == "mastodon":
        user, instance = handle.split("@", 1)
        url = f"https://{instance}/@{user}"
    else:
        url = platform.profile_url(handle)
    account, _created = OfficialAccount.objects.update_or_create(
        platform=platform,
        handle=handle,
        defaults={
            "unit": unit,
            "kind": kind,
            "status": status,
            "handle_display": handle,
            "profile_url": url,
            "display_name_en": names[0],
            "display_name_ar": names[1],
            "office_title_en": office[0],
            "office_title_ar": office[1],
            "platform_verified": status == AccountStatus.DOCUMENTED and unit.code == "hq",
            "platform_verified_on": date(2024, 3, 1) if unit.code == "hq" else None,
            "documented_on": date(2025, 6, 1) if status == AccountStatus.DOCUMENTED else None,
            "account_created_on": date(2019, 9, 15),
            "bio": f"{names[0]} — fictional account for the Sifara demonstration.",
        },
    )
    account.custodians.set(custodians)
    return account


@transaction.atomic
def load_accounts_demo(*, out: TextIO) -> None:
    """Official accounts for HQ and every demo mission, the platform guide of
    their host countries, a few weak postures and one personal account."""
    upsert_platforms(Platform)
    for code, en, ar, domains, template, report in EXTRA_PLATFORMS:
        Platform.objects.update_or_create(
            code=code,
            defaults={
                "name_en": en,
                "name_ar": ar,
                "domains": domains,
                "profile_url_template": template,
                "report_url": report,
            },
        )
    today = timezone.localdate()
    platforms = {p.code: p for p in Platform.objects.all()}
    users = {u.username: u for u in User.objects.filter(is_active=True)}
    digital = users.get("digital.hq")
    default_custodians = [digital] if digital else []
    units = {u.code: u for u in Unit.objects.filter(is_active=True)}
    accounts: list[OfficialAccount] = []
    for code, platform, handle, kind, status, en, ar, office_en, office_ar in HQ_ACCOUNTS:
        unit = units.get(code)
        if unit is None or platform not in platforms:
            continue
        accounts.append(
            _account(
                unit=unit,
                platform=platforms[platform],
                handle=handle,
                kind=kind,
                status=status,
                names=(en, ar),
                office=(office_en, office_ar),
                custodians=default_custodians,
                today=today,
            )
        )
    missions = [u for u in units.values() if u.kind in MISSION_KINDS and u.host_country_id]
    countries = {u.host_country_id for u in missions if u.host_country_id}
    guide_rows = _guide(countries)
    for index, unit in enumerate(sorted(missions, key=lambda u: u.code)):
        profile = COUNTRY_PROFILES.get(unit.host_country_id or "", {})
        ranked = [p for p, _share in sorted(profile.items(), key=lambda kv: -kv[1])]
        wanted = ranked[:4] if unit.kind != "honorary_consulate" else ranked[:1]
        if unit.code in GAP_MISSIONS and len(wanted) >= 3:
            wanted = wanted[:2] + wanted[3:]
        if "x" not in wanted and "x" in profile and unit.kind == "embassy":
            wanted.append("x")  # embassies keep an X account for news wherever they are
        custodians = [users[n] for n in CUSTODIANS.get(unit.code, []) if n in users]
        handle = _mission_handle(unit)
        for position, platform in enumerate(wanted):
            if platform not in platforms:
                continue
            status = AccountStatus.DOCUMENTED
            if position == len(wanted) - 1 and index % 5 == 0:
                status = AccountStatus.PENDING
            if unit.code == "emb-moscow" and platform == "x":
                status = AccountStatus.SUSPENDED
            accounts.append(
                _account(
                    unit=unit,
                    platform=platforms[platform],
                    # WhatsApp channels are known by an opaque id (fictional here).
                    handle=f"demo-channel-{unit.code}" if platform == "whatsapp" else handle,
                    kind=AccountKind.INSTITUTIONAL,
                    status=status,
                    names=(unit.name_en + " (demo)", unit.name_ar + " (تجريبي)"),
                    custodians=custodians or default_custodians,
                    today=today,
                )
            )
    for account in accounts:
        _posture(account, digital, today)
    personal = 0
    owner = users.get("hom.tokyo")
    if owner is not None and "x" in platforms:
        PersonalAccount.objects.update_or_create(
            platform=platforms["x"],
            handle="demo_yusuf_alamin",
            defaults={
                "person": owner,
                "profile_url": platforms["x"].profile_url("demo_yusuf_alamin"),
                "notes": "Personal account (fictional demo).",
            },
        )
        personal = 1
    weak = SecurityPosture.objects.filter(risk_score__gte=30).count()
    out.write(
        f"Official accounts (fictional): {len(accounts)} accounts, {guide_rows} platform-guide "
        f"figures for {len(countries)} countries, {weak} weak postures, "
        f"{personal} personal account.\n"
    )
