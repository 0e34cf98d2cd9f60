"""Factories of the analysis tests: posts, matches and hourly roll-ups built
directly through the listening models (the contract), so figures are exact."""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sifara.listening.models import (
    Cluster,
    HourlyRollup,
    Platform,
    Post,
    PostMatch,
    Source,
    WatchTerm,
    WatchTopic,
)

_ids = itertools.count(1)


def make_source(name: str = "analysis-tests") -> Source:
    source, _created = Source.objects.get_or_create(
        name=name, defaults={"title": "Analysis tests", "platform": Platform.FILE}
    )
    return source


def make_topic(
    unit: Any, *, name_en: str = "The ministry", name_ar: str = "الوزارة", terms: Any = ()
) -> WatchTopic:
    topic = WatchTopic.objects.create(name_en=name_en, name_ar=name_ar, owner_unit=unit)
    for term in terms:
        text, high = (term, False) if isinstance(term, str) else term
        WatchTerm.objects.create(topic=topic, text=text, is_high_priority=high)
    return topic


@dataclass
class P:
    """One post to create."""

    at: datetime
    text: str = "A post about the ministry"
    language: str = "en"
    sentiment: float = 0.0
    label: str = "neu"
    country: str = ""
    author: str = "someone"
    reach: int = 0
    url: str = ""
    terms: list[WatchTerm] = field(default_factory=list)
    cluster: Cluster | None = None
    near_duplicate: bool = False


def add_posts(specs: list[P], *, source: Source | None = None) -> list[Post]:
    """Store the posts and their matches, then rebuild the hourly roll-ups."""
    source = source or make_source()
    posts = [
        Post(
            source=source,
            platform=Platform.FILE,
            external_id=f"t-{next(_ids)}",
            url=spec.url,
            author_handle=spec.author,
            text=spec.text,
            language=spec.language,
            sentiment=spec.sentiment,
            sentiment_label=spec.label,
            country=spec.country,
            published_at=spec.at,
            reach=spec.reach,
            cluster=spec.cluster,
            is_near_duplicate=spec.near_duplicate,
        )
        for spec in specs
    ]
    Post.objects.bulk_create(posts)
    saved = list(Post.objects.filter(external_id__in=[p.external_id for p in posts]).order_by("id"))
    by_external = {p.external_id: p for p in saved}
    matches = []
    for spec, post in zip(specs, posts, strict=True):
        stored = by_external[post.external_id]
        seen: set[int] = set()
        for term in spec.terms:
            if term.topic_id in seen:
                continue
            seen.add(term.topic_id)
            matches.append(
                PostMatch(
                    post=stored, topic_id=term.topic_id, term=term, published_at=stored.published_at
                )
            )
    PostMatch.objects.bulk_create(matches)
    rebuild_rollups()
    return [by_external[p.external_id] for p in posts]


def rebuild_rollups() -> None:
    """Roll-ups exactly as the pipeline keeps them (topic 0 = all posts)."""
    HourlyRollup.objects.all().delete()
    topics: dict[int, list[int]] = defaultdict(list)
    for post_id, topic_id in PostMatch.objects.values_list("post_id", "topic_id"):
        topics[post_id].append(topic_id)
    counts: dict[tuple[Any, ...], list[float]] = {}
    for post in Post.objects.values(
        "id", "published_at", "language", "sentiment_label", "country", "sentiment"
    ):
        hour = post["published_at"].astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        for topic in [0, *topics.get(post["id"], [])]:
            key = (hour, topic, post["language"], post["sentiment_label"], post["country"])
            slot = counts.setdefault(key, [0, 0.0])
            slot[0] += 1
            slot[1] += post["sentiment"]
    HourlyRollup.objects.bulk_create(
        [
            HourlyRollup(
                hour=hour,
                topic_key=topic,
                language=language,
                sentiment_label=label,
                country=country,
                posts=int(n),
                sentiment_sum=s,
            )
            for (hour, topic, language, label, country), (n, s) in counts.items()
        ]
    )


def make_cluster(*, at: datetime, text: str, accounts: int, coordinated: bool = True) -> Cluster:
    from datetime import timedelta

    cluster = Cluster.objects.create(
        fingerprint=next(_ids),
        sample_text=text,
        first_seen=at,
        last_seen=at + timedelta(minutes=accounts),
        post_count=accounts,
        author_count=accounts,
        is_coordinated=coordinated,
    )
    add_posts(
        [
            P(at=at + timedelta(minutes=i), text=text, author=f"bot{i:03d}", cluster=cluster)
            for i in range(accounts)
        ]
    )
    return cluster
