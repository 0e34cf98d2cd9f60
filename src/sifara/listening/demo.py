"""Demo content of the listening module (loaded by ``sifara demo``; idempotent).

Sources: a news feed, a Bluesky Jetstream connector, a Mastodon hashtag and a
Telegram channel — all *inactive*, so nothing tries the network — and an active
file-import source (``demo-file-import``) that the analysis demo feeds its week
of posts through with :func:`sifara.listening.pipeline.ingest`. Watch-list
topics and terms about the fictional ministry, owned by the Digital Diplomacy
Department (``hq-digital``).
"""

from __future__ import annotations

from typing import Any, TextIO

from django.db import transaction

from sifara.directory.models import Unit
from sifara.listening.models import Platform, Source, WatchTerm, WatchTopic

DEMO_FILE_SOURCE = "demo-file-import"

SOURCES: list[tuple[str, str, str, dict[str, Any], bool]] = [
    (
        "demo-news-feed",
        "Regional news wire (RSS)",
        Platform.RSS,
        {"url": "https://news.example/world/rss.xml", "country": "AE"},
        False,
    ),
    (
        "demo-bluesky",
        "Bluesky firehose (Jetstream)",
        Platform.BLUESKY,
        {
            "endpoint": "wss://jetstream2.us-east.bsky.network/subscribe",
            "languages": ["ar", "en"],
        },
        False,
    ),
    (
        "demo-mastodon-diplomacy",
        "Mastodon #diplomacy",
        Platform.MASTODON,
        {"instance": "https://mastodon.social", "hashtag": "diplomacy"},
        False,
    ),
    (
        "demo-telegram-channel",
        "Telegram channel of the ministry's spokesperson",
        Platform.TELEGRAM,
        {"channel": "@mfa_demo_spokesperson"},
        False,
    ),
    (DEMO_FILE_SOURCE, "Imported posts (demo week)", Platform.FILE, {}, True),
]

#: (English name, Arabic name, [(term, high priority)])
TOPICS: list[tuple[str, str, list[tuple[str, bool]]]] = [
    (
        "The ministry",
        "الوزارة",
        [
            ("وزارة الخارجية", False),
            ("الخارجية", False),
            ("foreign ministry", False),
            ("ministry of foreign affairs", False),
            ("MFA", False),
        ],
    ),
    (
        "The minister",
        "الوزير",
        [
            ("وزير الخارجية", False),
            ("الوزير", False),
            ("foreign minister", False),
            ("minister", False),
        ],
    ),
    (
        "Visas and consular services",
        "التأشيرات والخدمات القنصلية",
        [
            ("التأشيرة", False),
            ("التأشيرات", False),
            ("تأشيرة", False),
            ("القنصلية", False),
            ("visa", False),
            ("visas", False),
            ("consulate", False),
            ("consular", False),
        ],
    ),
    (
        "Missions abroad",
        "البعثات في الخارج",
        [
            ("السفارة", False),
            ("السفير", False),
            ("البعثة الدائمة", False),
            ("embassy", False),
            ("ambassador", False),
            ("permanent mission", False),
        ],
    ),
    (
        "Citizens abroad",
        "المواطنون في الخارج",
        [
            ("المواطنين في الخارج", True),
            ("عالقون", True),
            ("إجلاء", True),
            ("stranded", True),
            ("evacuation", True),
        ],
    ),
    (
        "Climate negotiations (Bonn)",
        "مفاوضات المناخ (بون)",
        [
            ("مفاوضات المناخ", False),
            ("بون", False),
            ("climate negotiations", False),
            ("Bonn", False),
        ],
    ),
]


def load_watchlists(*, owner_code: str = "hq-digital") -> list[WatchTopic]:
    """Create the demo topics and terms (idempotent). Creates the owner unit when the
    directory demo has not been loaded (the benchmark uses this alone)."""
    owner, _created = Unit.objects.get_or_create(
        code=owner_code,
        defaults={
            "kind": "hq_department",
            "name_en": "Digital Diplomacy Department",
            "name_ar": "إدارة الدبلوماسية الرقمية",
        },
    )
    topics = []
    for name_en, name_ar, terms in TOPICS:
        topic, _created = WatchTopic.objects.get_or_create(
            name_en=name_en, defaults={"name_ar": name_ar, "owner_unit": owner}
        )
        for text, high in terms:
            WatchTerm.objects.get_or_create(
                topic=topic, text=text, defaults={"is_high_priority": high}
            )
        topics.append(topic)
    return topics


@transaction.atomic
def load_demo(*, out: TextIO) -> None:
    """Load the demo sources and watch-list of this module."""
    created = 0
    for name, title, platform, config, active in SOURCES:
        _source, was_created = Source.objects.get_or_create(
            name=name,
            defaults={
                "title": title,
                "platform": platform,
                "config": config,
                "is_active": active,
                "poll_interval_s": 300,
            },
        )
        created += int(was_created)
    topics = load_watchlists()
    out.write(
        f"Listening: {len(SOURCES)} sources ({created} new; network connectors inactive), "
        f"{len(topics)} watch-list topics.\n"
    )
