"""Benchmark: the listening dashboard, drill-down and alert evaluation over many posts.

Usage: python bench/listening_dashboard.py [--posts N] [--quick] [--repeat R] [--keep]

Fills a fresh, migrated database (SQLite in a temporary data directory with the
embedded profile's settings; PostgreSQL when ``DATABASE_URL`` names an empty
database) with ``--posts`` posts (default 1,000,000; ``--quick`` 100,000)
spread evenly over 30 days in roughly chronological order (as they arrive),
about a third of them matching one of three watch-list topics, and the hourly
roll-ups the ingest pipeline keeps. Rows are written
with plain ``executemany`` inserts (the pipeline's own speed is measured by
``bench/ingest.py``).

Then it times, uncached (the minute cache is cleared before every call):

* ``dashboard_for_user`` for 24 hours, 7 days and 30 days, for all posts and
  for one topic (every figure of the page: series, sentiment, languages,
  countries, top authors, top terms);
* the drill-down's first page with its total count (all posts of 7 days; one
  language; one topic; one hour bucket);
* evaluating a volume-spike rule (last hour vs. the previous 12) and a
  14-day one.

It reports the median of ``--repeat`` runs in milliseconds. The last line
printed is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _setup(data_dir: Path) -> None:
    os.environ.setdefault("SIFARA_DATA_DIR", str(data_dir))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sifara.settings.embedded")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _fill(total: int, now: datetime, seed: int = 7) -> dict[str, Any]:
    from django.db import connection, transaction

    from sifara.directory.models import Unit
    from sifara.listening.models import Platform, Source, WatchTerm, WatchTopic

    rng = random.Random(seed)
    unit, _ = Unit.objects.get_or_create(
        code="bench-unit", defaults={"kind": "hq_department", "name_en": "B", "name_ar": "ب"}
    )
    source = Source.objects.create(name="bench", title="Bench", platform=Platform.X)
    topics = []
    for index in range(3):
        topic = WatchTopic.objects.create(
            name_en=f"Topic {index}", name_ar=f"موضوع {index}", owner_unit=unit
        )
        terms = [WatchTerm.objects.create(topic=topic, text=f"term{index}-{k}") for k in range(5)]
        topics.append((topic.pk, [t.pk for t in terms]))
    languages = ["ar"] * 5 + ["en"] * 3 + ["fr"] * 2
    countries = ["EG", "SA", "AE", "GB", "US", "FR", "MA", "JO", ""]
    labels = ["neg", "neu", "neu", "pos", "pos"]
    start = now - timedelta(days=30)
    span = 30 * 86400
    ph = "%s" if connection.vendor == "postgresql" else "?"
    post_sql = (
        "INSERT INTO listening_post (source_id, platform, external_id, url, author_handle, "  # noqa: S608
        "author_name, text, language, sentiment, sentiment_label, country, published_at, "
        "ingested_at, fingerprint, is_near_duplicate, reach) VALUES "
        f"({', '.join([ph] * 16)})"
    )
    match_sql = (
        "INSERT INTO listening_postmatch (post_id, topic_id, term_id, published_at) "  # noqa: S608
        f"VALUES ({ph}, {ph}, {ph}, {ph})"
    )
    rollups: dict[tuple[Any, ...], list[float]] = {}
    chunk = 20_000
    written = 0
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM listening_post")
        next_id = int(cur.fetchone()[0]) + 1
    while written < total:
        size = min(chunk, total - written)
        rows = []
        matches = []
        for i in range(size):
            # roughly chronological, as posts arrive (a few minutes of jitter)
            offset = span * (written + i) / total + rng.uniform(-300, 300)
            at = start + timedelta(seconds=min(max(offset, 0), span - 1))
            language = rng.choice(languages)
            label = rng.choice(labels)
            score = {"neg": -0.6, "neu": 0.0, "pos": 0.6}[label]
            country = rng.choice(countries)
            rows.append(
                (
                    source.pk,
                    "x",
                    f"b{written + i}",
                    "",
                    f"user{rng.randint(1, 50_000)}",
                    "",
                    f"post number {written + i} about term{rng.randint(0, 2)}",
                    language,
                    score,
                    label,
                    country,
                    at,
                    now,
                    0,
                    False,
                    rng.randint(0, 5000),
                )
            )
            hour = at.replace(minute=0, second=0, microsecond=0)
            keys = [0]
            if rng.random() < 0.33:
                topic_id, term_ids = rng.choice(topics)
                matches.append((next_id + i, topic_id, rng.choice(term_ids), at))
                keys.append(topic_id)
            for key in keys:
                slot = rollups.setdefault((hour, key, language, label, country), [0, 0.0])
                slot[0] += 1
                slot[1] += score
        with transaction.atomic(), connection.cursor() as cur:
            cur.executemany(post_sql, rows)
            cur.executemany(match_sql, matches)
        next_id += size
        written += size
    rollup_sql = (
        "INSERT INTO listening_hourlyrollup (hour, topic_key, language, sentiment_label, "  # noqa: S608
        f"country, posts, sentiment_sum) VALUES ({', '.join([ph] * 7)})"
    )
    with transaction.atomic(), connection.cursor() as cur:
        cur.executemany(
            rollup_sql,
            [(h, t, lang, lab, c, int(n), s) for (h, t, lang, lab, c), (n, s) in rollups.items()],
        )
    with connection.cursor() as cur:
        # what autovacuum does after a bulk load (PostgreSQL: the visibility map
        # that index-only scans and counts rely on; both: planner statistics)
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return {
        "fill_s": round(time.perf_counter() - started, 1),
        "rollup_rows": len(rollups),
        "topic_id": topics[0][0],
        "unit": unit,
    }


def _median_ms(fn: Callable[[], Any], repeat: int) -> float:
    from django.core.cache import cache

    times = []
    for _ in range(repeat):
        cache.clear()
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="100,000 posts")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    total = 100_000 if args.quick else args.posts
    tmp = Path(tempfile.mkdtemp(prefix="sifara-bench-listening-"))
    try:
        _setup(tmp)
        from django.db import connection

        from sifara.analysis import selectors, services
        from sifara.analysis.models import AlertKind, AlertRule
        from sifara.analysis.selectors import Filters
        from sifara.directory.models import User

        now = datetime.now(UTC).replace(second=0, microsecond=0)
        filled = _fill(total, now)
        print(
            f"{total:,} posts written in {filled['fill_s']} s ({connection.vendor}); "
            f"{filled['rollup_rows']:,} roll-up rows"
        )
        user = User.objects.create(username="bench-analyst")
        from sifara.directory.models import Membership

        Membership.objects.create(user=user, unit=filled["unit"], role="analyst")
        topic = filled["topic_id"]
        results: dict[str, float] = {}

        def dash(**kw: Any) -> Callable[[], Any]:
            return lambda: selectors.dashboard_for_user(user=user, filters=Filters(**kw), now=now)

        def page(**kw: Any) -> Callable[[], Any]:
            def run() -> None:
                from django.core.paginator import Paginator

                qs = selectors.post_list_for_user(user=user, filters=Filters(**kw), now=now)
                page = Paginator(qs, 50).get_page(1)
                list(page)
                _ = page.paginator.count

            return run

        checks = {
            "dashboard_24h_ms": dash(period="24h"),
            "dashboard_7d_ms": dash(period="7d"),
            "dashboard_30d_ms": dash(period="30d"),
            "dashboard_7d_topic_ms": dash(period="7d", topic_id=topic),
            "dashboard_30d_topic_lang_ms": dash(period="30d", topic_id=topic, language="ar"),
            "drilldown_7d_ms": page(period="7d"),
            "drilldown_7d_lang_ms": page(period="7d", language="fr"),
            "drilldown_7d_topic_ms": page(period="7d", topic_id=topic),
            "drilldown_hour_ms": page(
                period="7d", bucket_start=now.replace(minute=0) - timedelta(hours=5)
            ),
        }
        for name, fn in checks.items():
            results[name] = _median_ms(fn, args.repeat)
            print(f"  {name:<32} {results[name]:>9.1f} ms")
        hourly = AlertRule.objects.create(
            unit=filled["unit"],
            name="hour",
            kind=AlertKind.VOLUME_SPIKE,
            window_hours=1,
            baseline_hours=12,
            threshold_ratio=1000,
            min_posts=10**9,
        )
        daily = AlertRule.objects.create(
            unit=filled["unit"],
            name="day",
            kind=AlertKind.NEGATIVE_SPIKE,
            window_hours=24,
            baseline_hours=336,
            threshold_ratio=1000,
            min_posts=10**9,
            topic_id=topic,
        )
        results["alert_rule_hour_ms"] = _median_ms(
            lambda: services.rule_evaluate(rule=hourly, now=now), args.repeat
        )
        results["alert_rule_14d_topic_ms"] = _median_ms(
            lambda: services.rule_evaluate(rule=daily, now=now), args.repeat
        )
        print(f"  {'alert_rule_hour_ms':<32} {results['alert_rule_hour_ms']:>9.1f} ms")
        print(f"  {'alert_rule_14d_topic_ms':<32} {results['alert_rule_14d_topic_ms']:>9.1f} ms")
        summary = {
            "benchmark": "listening_dashboard",
            "backend": connection.vendor,
            "posts": total,
            "fill_s": filled["fill_s"],
            **results,
        }
        print(json.dumps(summary))
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
