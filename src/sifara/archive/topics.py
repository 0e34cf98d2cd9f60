"""The topic taxonomy every installation starts with (loaded by a migration;
administrators and the treaties department add more on the topics page)."""

from __future__ import annotations

from typing import Any

DEFAULT_TOPICS: list[tuple[str, str, str]] = [
    ("trade", "Trade", "التجارة"),
    ("investment", "Investment", "الاستثمار"),
    ("energy", "Energy", "الطاقة"),
    ("security", "Security", "الأمن"),
    ("defence", "Defence", "الدفاع"),
    ("education", "Education", "التعليم"),
    ("health", "Health", "الصحة"),
    ("culture", "Culture", "الثقافة"),
    ("consular", "Consular affairs", "الشؤون القنصلية"),
    ("justice", "Justice and legal cooperation", "العدل والتعاون القانوني"),
    ("transport", "Transport and aviation", "النقل والطيران"),
    ("taxation", "Taxation", "الضرائب"),
    ("environment", "Environment and climate", "البيئة والمناخ"),
    ("science", "Science and technology", "العلوم والتكنولوجيا"),
    ("agriculture", "Agriculture and food", "الزراعة والغذاء"),
    ("labour", "Labour and migration", "العمل والهجرة"),
    ("tourism", "Tourism", "السياحة"),
    ("human-rights", "Human rights", "حقوق الإنسان"),
]


def upsert_topics(model: Any) -> None:
    """Create the default topics that are missing (never overwrites edits)."""
    for code, en, ar in DEFAULT_TOPICS:
        model.objects.get_or_create(code=code, defaults={"name_en": en, "name_ar": ar})
