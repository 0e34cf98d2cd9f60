"""The impersonation radar: scores candidate accounts against the registry.

This package is pure Python (no database access): callers build an
:class:`OfficialEntry` list from the registry, index it once with
``engine.RegistryIndex(entries)``, then call ``index.screen(candidate)`` for
each :class:`CandidateInput`. The Django side (models, review queue, CLI)
lives in ``sifara.accounts``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class OfficialEntry:
    """One official account as the radar sees it."""

    account_id: int
    platform: str
    handle: str  # canonical (lower case, no "@")
    display_name_ar: str = ""
    display_name_en: str = ""
    bio: str = ""
    website: str = ""
    avatar_phash: str = ""  # hex perceptual hash, "" when unknown


@dataclass(frozen=True, slots=True)
class CandidateInput:
    """An account to screen."""

    platform: str
    handle: str
    display_name: str = ""
    bio: str = ""
    url: str = ""
    avatar_phash: str = ""
    followers: int | None = None
    created: date | None = None


@dataclass(frozen=True, slots=True)
class Reason:
    """One human-readable reason, with a machine code and its contribution."""

    code: str  # e.g. "handle_similar", "confusable_characters", "same_avatar"
    message_en: str
    message_ar: str
    weight: float


@dataclass(frozen=True, slots=True)
class ScreenResult:
    score: float  # 0..1
    flagged: bool  # score >= threshold
    matched: OfficialEntry | None
    reasons: list[Reason] = field(default_factory=list)
