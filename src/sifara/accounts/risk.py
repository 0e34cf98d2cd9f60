"""The security-posture risk score of an official account: 0 (safe) .. 100.

The formula is deliberately simple so that anyone can check it by hand. Each
weakness adds points; the total is capped at 100:

===========================================================  ======
weakness                                                      points
===========================================================  ======
two-factor authentication off                                 +35
recovery e-mail not institutional                             +15
recovery phone not institutional                              +10
more than 3 people with access (5 per extra person, max 15)   +5..15
password never rotated, or rotated more than 180 days ago     +15
login alerts off                                              +10
never audited, or audited longer ago than the audit period    +15
===========================================================  ======

The audit period is ``SIFARA_ACCOUNT_AUDIT_DAYS`` (180 days by default).
:func:`score` returns the total **and** the factors that made it, for display.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sifara.core import i18n

NO_TWO_FACTOR = 35
RECOVERY_EMAIL = 15
RECOVERY_PHONE = 10
ACCESS_FREE = 3
ACCESS_PER_PERSON = 5
ACCESS_MAX = 15
PASSWORD_DAYS = 180
PASSWORD_STALE = 15
NO_LOGIN_ALERTS = 10
AUDIT_OVERDUE = 15
MAX_SCORE = 100


@dataclass(frozen=True)
class RiskFactor:
    code: str
    label: str | Promise
    points: int


def audit_period_days() -> int:
    return int(getattr(settings, "SIFARA_ACCOUNT_AUDIT_DAYS", 180))


def audit_overdue(last_audit_on: date | None, *, today: date) -> bool:
    """Never audited, or audited longer ago than the audit period."""
    return last_audit_on is None or last_audit_on < today - timedelta(days=audit_period_days())


def score(posture: Any, *, today: date) -> tuple[int, list[RiskFactor]]:
    """Risk score (0..100) of a posture-like object and the factors behind it."""
    factors: list[RiskFactor] = []
    if not posture.two_factor_enabled:
        factors.append(
            RiskFactor("no_two_factor", _("Two-factor authentication is off"), NO_TWO_FACTOR)
        )
    if not posture.recovery_email_institutional:
        factors.append(
            RiskFactor(
                "recovery_email", _("The recovery e-mail is not institutional"), RECOVERY_EMAIL
            )
        )
    if not posture.recovery_phone_institutional:
        factors.append(
            RiskFactor(
                "recovery_phone", _("The recovery phone is not institutional"), RECOVERY_PHONE
            )
        )
    people = int(posture.people_with_access or 0)
    if people > ACCESS_FREE:
        points = min(ACCESS_MAX, (people - ACCESS_FREE) * ACCESS_PER_PERSON)
        factors.append(
            RiskFactor(
                "many_people",
                _("%(n)s people have access (more than %(free)s)")
                % {"n": i18n.format_number(people), "free": i18n.format_number(ACCESS_FREE)},
                points,
            )
        )
    rotated = posture.last_password_rotation
    if rotated is None:
        factors.append(
            RiskFactor("password_unknown", _("No password rotation on record"), PASSWORD_STALE)
        )
    elif rotated < today - timedelta(days=PASSWORD_DAYS):
        factors.append(
            RiskFactor(
                "password_stale",
                _("Password not rotated for more than %(days)s days")
                % {"days": i18n.format_number(PASSWORD_DAYS)},
                PASSWORD_STALE,
            )
        )
    if not posture.login_alerts_enabled:
        factors.append(RiskFactor("no_login_alerts", _("Login alerts are off"), NO_LOGIN_ALERTS))
    if posture.last_audit_on is None:
        factors.append(RiskFactor("never_audited", _("Never audited"), AUDIT_OVERDUE))
    elif audit_overdue(posture.last_audit_on, today=today):
        factors.append(
            RiskFactor(
                "audit_overdue",
                _("Last audit more than %(days)s days ago")
                % {"days": i18n.format_number(audit_period_days())},
                AUDIT_OVERDUE,
            )
        )
    return min(MAX_SCORE, sum(f.points for f in factors)), factors


def level(value: int) -> str:
    """``high`` (>= 60), ``medium`` (>= 30) or ``low``: for badges."""
    if value >= 60:
        return "high"
    if value >= 30:
        return "medium"
    return "low"
