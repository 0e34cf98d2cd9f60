"""The ingest pipeline, stage by stage, through its public ``ingest()``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sifara.listening import hooks
from sifara.listening.models import (
    Cluster,
    HourlyRollup,
    Platform,
    Post,
    PostMatch,
    SkippedItem,
)
from sifara.listening.pipeline import ingest
from sifara.listening.services import watch_term_add, watch_topic_create
from sifara.listening.tests.factories import raw
from sifara.listening.types import SkippedRaw

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
CAMPAIGN = (
    "The ministry is hiding the truth about the visa scandal, share this before "
    "they delete it {tag}"
)


def test_posts_are_stored_with_language_sentiment_and_published_time(source: Any) -> None:
    report = ingest(
        [
            raw("1", "The embassy staff were wonderful and very helpful, thank you!"),
            raw("2", "الخدمة في القنصلية سيئة جدا والتأخير غير مقبول"),
            raw("3", "La ministre a annoncé une nouvelle politique pour les étudiants."),
        ],
        source=source,
        now=NOW,
    )
    assert (report.accepted, report.duplicates, report.skipped) == (3, 0, 0)
    posts = {p.external_id: p for p in Post.objects.all()}
    assert posts["1"].language == "en" and posts["1"].sentiment_label == "pos"
    assert posts["2"].language == "ar" and posts["2"].sentiment_label == "neg"
    assert posts["3"].language == "fr" and posts["3"].sentiment_label == ""
    assert posts["1"].published_at == datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    assert posts["1"].ingested_at == NOW
    source.refresh_from_db()
    assert source.items_total == 3


def test_duplicates_by_platform_id_are_counted_not_stored_twice(source: Any) -> None:
    ingest([raw("a", "first copy of the post"), raw("a", "same id again")], source=source)
    report = ingest([raw("a", "re-delivered later"), raw("b", "a new one")], source=source)
    assert (report.accepted, report.duplicates) == (1, 1)
    assert Post.objects.count() == 2
    assert Post.objects.get(external_id="a").text == "first copy of the post"


def test_bad_items_are_skipped_with_inspectable_reasons_without_stopping(source: Any) -> None:
    report = ingest(
        [
            raw("", "no id"),
            raw("ok-1", "   "),
            raw("big", "x" * 30_000),
            raw("ok-2", "a perfectly good post about the embassy"),
            SkippedRaw(reason="invalid_json", detail="line 7: Expecting value"),
            raw("odd", "bad \ud800 surrogate but still text"),
        ],
        source=source,
    )
    assert report.accepted == 2
    assert report.skipped == 4
    assert report.skipped_reasons == {
        "missing_id": 1,
        "empty_text": 1,
        "too_large": 1,
        "invalid_json": 1,
    }
    assert set(SkippedItem.objects.values_list("reason", flat=True)) == {
        "missing_id",
        "empty_text",
        "too_large",
        "invalid_json",
    }
    source.refresh_from_db()
    assert source.items_skipped == 4
    assert "\ufffd" in Post.objects.get(external_id="odd").text or "?" in (
        Post.objects.get(external_id="odd").text
    )


def test_watch_list_terms_match_arabic_with_particles_and_english_phrases(
    source: Any, hq_unit: Any
) -> None:
    ministry = watch_topic_create(
        actor=None,
        name_en="The ministry",
        name_ar="الوزارة",
        owner_unit=hq_unit,
        terms=["وزارة الخارجية", "foreign ministry"],
    )
    visa = watch_topic_create(actor=None, name_en="Visas", name_ar="التأشيرات", owner_unit=hq_unit)
    watch_term_add(actor=None, topic=visa, text="التأشيرة", is_high_priority=True)
    watch_term_add(actor=None, topic=visa, text="visa")
    ingest(
        [
            raw("1", "بيان من وزارة الخارجيّة حول الأوضاع"),
            raw("2", "تأخر كبير في منح التأشيرة للطلاب #بالتأشيرة"),
            raw("3", "The Foreign Ministry's statement on visa delays"),
            raw("4", "Nothing relevant here at all"),
            raw("5", "والتأشيرة لم تصل بعد"),
        ],
        source=source,
    )
    matched = {(m.post.external_id, m.topic_id) for m in PostMatch.objects.select_related("post")}
    assert matched == {
        ("1", ministry.pk),
        ("2", visa.pk),
        ("3", ministry.pk),
        ("3", visa.pk),
        ("5", visa.pk),
    }


def test_hourly_rollups_count_by_topic_language_sentiment_and_country(
    source: Any, hq_unit: Any
) -> None:
    topic = watch_topic_create(
        actor=None, name_en="Embassy", name_ar="السفارة", owner_unit=hq_unit, terms=["embassy"]
    )
    at = datetime(2026, 11, 20, 9, 10, tzinfo=UTC)
    ingest(
        [
            raw("1", "The embassy was wonderful", at=at, country="gb"),
            raw(
                "2", "The embassy was excellent today", at=at + timedelta(minutes=20), country="GB"
            ),
            raw("3", "Weather report for the weekend ahead", at=at, country="GB"),
        ],
        source=source,
    )
    ingest([raw("4", "The embassy was great", at=at, country="GB")], source=source)
    hour = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    rows = HourlyRollup.objects.filter(hour=hour)
    everything = sum(r.posts for r in rows.filter(topic_key=0))
    assert everything == 4
    embassy = rows.get(topic_key=topic.pk, language="en", sentiment_label="pos", country="GB")
    assert embassy.posts == 3
    assert embassy.sentiment_sum > 1.5


def test_copy_paste_campaign_becomes_a_coordinated_cluster(source: Any, settings: Any) -> None:
    settings.SIFARA_LISTENING_CLUSTER_MIN_ACCOUNTS = 4
    start = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    items = [
        raw(
            f"c{i}",
            CAMPAIGN.format(tag=f"#leak{i} @user{i}"),
            author=f"acct{i}",
            at=start + timedelta(minutes=i),
        )
        for i in range(6)
    ]
    items.append(raw("other", "A calm and unrelated post about football results tonight"))
    report = ingest(items[:2], source=source)
    assert report.near_duplicates == 1
    report = ingest(items[2:], source=source)
    cluster = Cluster.objects.get()
    assert cluster.post_count == 6 and cluster.author_count == 6
    assert cluster.is_coordinated
    assert set(cluster.posts.values_list("external_id", flat=True)) == {f"c{i}" for i in range(6)}
    assert Post.objects.get(external_id="c0").is_near_duplicate is False
    assert Post.objects.get(external_id="c5").is_near_duplicate is True
    assert Post.objects.get(external_id="other").cluster_id is None


def test_same_text_outside_the_window_is_not_a_cluster(source: Any, settings: Any) -> None:
    settings.SIFARA_LISTENING_CLUSTER_WINDOW_MINUTES = 60
    start = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    ingest(
        [
            raw("x1", CAMPAIGN.format(tag=""), author="a", at=start),
            raw("x2", CAMPAIGN.format(tag=""), author="b", at=start + timedelta(hours=5)),
        ],
        source=source,
    )
    assert not Cluster.objects.exists()


def test_clusters_continue_after_a_restart(source: Any) -> None:
    from sifara.listening import pipeline

    ingest(
        [
            raw("r1", CAMPAIGN.format(tag=""), author="a"),
            raw("r2", CAMPAIGN.format(tag="!"), author="b"),
        ],
        source=source,
    )
    pipeline.reset_state()  # a new process
    ingest([raw("r3", CAMPAIGN.format(tag="#x"), author="c")], source=source)
    cluster = Cluster.objects.get()
    assert cluster.post_count == 3
    assert Post.objects.get(external_id="r3").cluster_id == cluster.pk


def test_batch_hooks_receive_new_posts_topics_and_clusters(
    source: Any, hq_unit: Any, settings: Any, monkeypatch: Any
) -> None:
    settings.SIFARA_LISTENING_BATCH_SIZE = 3
    topic = watch_topic_create(
        actor=None, name_en="Visas", name_ar="التأشيرات", owner_unit=hq_unit, terms=["visa"]
    )
    seen: list[hooks.BatchResult] = []

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("a bug in someone else's hook")

    def record(*, topic_ids: list[int], **kwargs: Any) -> None:
        assert topic_ids == sorted(kwargs["topic_post_ids"])
        seen.append(hooks.BatchResult(**kwargs))

    # Only this test's hooks (the analysis app's are back afterwards).
    monkeypatch.setattr(hooks, "_hooks", [])
    hooks.register_batch_hook(broken)
    hooks.register_batch_hook(record)
    report = ingest(
        [raw(f"v{i}", CAMPAIGN.format(tag="visa"), author=f"u{i}") for i in range(4)]
        + [raw("plain", "nothing to see")],
        source=source,
        now=NOW,
    )
    assert report.accepted == 5 and report.hook_failures == 2
    assert [len(r.post_ids) for r in seen] == [3, 2]
    assert seen[0].now == NOW
    assert sorted(seen[0].topic_post_ids[topic.pk] + seen[1].topic_post_ids[topic.pk]) == sorted(
        Post.objects.filter(external_id__startswith="v").values_list("id", flat=True)
    )
    assert len(seen[0].clusters_created) == 1
    assert seen[1].clusters_updated == seen[0].clusters_created


def test_cursor_is_stored_with_the_batch(source: Any) -> None:
    items = [raw("1", "one post here", cursor="offset:10"), raw("2", "two", cursor="offset:20")]
    ingest(items, source=source)
    source.refresh_from_db()
    assert source.cursor == "offset:20"


def test_platform_of_each_item_is_kept(source: Any) -> None:
    ingest(
        [raw("1", "a post", platform=Platform.X), raw("1", "a toot", platform=Platform.MASTODON)],
        source=source,
    )
    assert Post.objects.count() == 2


def test_helper_process_gives_the_same_results_as_inline(
    source: Any, hq_unit: Any, settings: Any, monkeypatch: Any
) -> None:
    from sifara.listening import pipeline

    watch_topic_create(
        actor=None, name_en="Visas", name_ar="التأشيرات", owner_unit=hq_unit, terms=["visa"]
    )
    settings.SIFARA_LISTENING_BATCH_SIZE = 2
    monkeypatch.setattr(pipeline, "HELPER_AFTER_BATCHES", 2)
    monkeypatch.setattr(pipeline, "HELPER_MIN_CPUS", 1)
    texts = [
        "The visa office was excellent",
        "خدمة التأشيرات سيئة جدا",
        CAMPAIGN.format(tag="#a"),
        "Le consulat est fermé aujourd'hui pour la fête nationale",
    ] * 3
    items = [raw(f"i{i}", text, author=f"a{i}") for i, text in enumerate(texts)]

    def snapshot() -> list[tuple[Any, ...]]:
        return list(
            Post.objects.order_by("external_id").values_list(
                "external_id",
                "language",
                "sentiment",
                "sentiment_label",
                "fingerprint",
                "is_near_duplicate",
            )
        )

    def extras() -> tuple[Any, ...]:
        return (
            sorted(PostMatch.objects.values_list("post__external_id", "topic_id", "term_id")),
            sorted(
                HourlyRollup.objects.values_list(
                    "hour", "topic_key", "language", "sentiment_label", "posts"
                )
            ),
            sorted(Cluster.objects.values_list("post_count", "author_count", "is_coordinated")),
            sorted(Post.objects.filter(cluster__isnull=False).values_list("external_id")),
        )

    ingest(items, source=source)
    inline = snapshot()
    inline_extras = extras()
    assert inline_extras[2], "the campaign copies form a cluster"
    Post.objects.all().delete()
    Cluster.objects.all().delete()
    HourlyRollup.objects.all().delete()
    pipeline.reset_state()
    settings.SIFARA_LISTENING_ANALYSIS_PROCESS = True
    report = ingest([raw(f"i{i}", t, author=f"a{i}") for i, t in enumerate(texts)], source=source)
    assert report.accepted == 12 and report.batches == 6
    assert report.analysis_wait_s > 0  # the helper did the analysis
    assert snapshot() == inline
    assert extras() == inline_extras


def test_a_helper_killed_mid_stream_loses_nothing(
    source: Any, hq_unit: Any, settings: Any, monkeypatch: Any
) -> None:
    """SIGKILL the analysis helper while a stream is running: the batches it had
    are analysed in the main process, and every post is stored once, analysed."""
    import multiprocessing
    import os
    import signal

    from sifara.listening import pipeline

    watch_topic_create(
        actor=None, name_en="Visas", name_ar="التأشيرات", owner_unit=hq_unit, terms=["visa"]
    )
    settings.SIFARA_LISTENING_BATCH_SIZE = 3
    settings.SIFARA_LISTENING_ANALYSIS_PROCESS = True
    monkeypatch.setattr(pipeline, "HELPER_MIN_CPUS", 1)
    texts = ["The visa office was excellent", "خدمة التأشيرات سيئة جدا"] * 12

    def stream() -> Any:
        for i, text in enumerate(texts):
            if i == 12:  # the helper is running by now: kill it
                children = multiprocessing.active_children()
                assert children
                for child in children:
                    os.kill(child.pid, signal.SIGKILL)
            yield raw(f"k{i}", text, author=f"a{i}")

    report = ingest(stream(), source=source)
    assert report.accepted == 24
    assert Post.objects.count() == 24
    assert set(Post.objects.values_list("language", flat=True)) == {"ar", "en"}
    assert PostMatch.objects.count() == 12  # every English post mentions the visa
    assert not multiprocessing.active_children()


def test_a_helper_that_cannot_start_leaves_the_stream_to_the_main_process(
    source: Any, settings: Any, monkeypatch: Any, caplog: Any
) -> None:
    import multiprocessing

    from sifara.listening import pipeline, stages
    from sifara.listening.tests.failing_helper import cannot_start

    settings.SIFARA_LISTENING_BATCH_SIZE = 3
    settings.SIFARA_LISTENING_ANALYSIS_PROCESS = True
    monkeypatch.setattr(pipeline, "HELPER_MIN_CPUS", 1)
    monkeypatch.setattr(stages, "worker_init", cannot_start)
    items = [raw(f"s{i}", CAMPAIGN.format(tag=f"#{i}"), author=f"bot{i}") for i in range(12)]
    report = ingest(items, source=source)
    assert "helper lost" in caplog.text
    assert report.accepted == 12 and report.analysis_wait_s == 0
    assert set(Post.objects.values_list("language", flat=True)) == {"en"}
    assert Cluster.objects.get().post_count == 12
    assert not multiprocessing.active_children()


def test_a_campaign_stays_one_cluster_when_the_helper_is_killed(
    source: Any, settings: Any, monkeypatch: Any
) -> None:
    """The helper holds the near-duplicate index during a stream: killed, the
    main process rebuilds the index from what is stored, and copies posted
    after the kill join the cluster of the copies posted before it."""
    import multiprocessing
    import os
    import signal
    import time

    from sifara.listening import pipeline

    settings.SIFARA_LISTENING_BATCH_SIZE = 3
    settings.SIFARA_LISTENING_ANALYSIS_PROCESS = True
    monkeypatch.setattr(pipeline, "HELPER_MIN_CPUS", 1)
    killed = []

    def stream() -> Any:
        for i in range(24):
            if i == 15 and not killed:
                # Let the helper finish the batch it has, then kill it and let
                # the pool notice before the next batch is handed over: that
                # batch's analysis is good but not stored when the loss shows.
                time.sleep(0.5)
                killed.extend(multiprocessing.active_children())
                for child in killed:
                    os.kill(child.pid, signal.SIGKILL)
                time.sleep(0.5)
            yield raw(f"c{i}", CAMPAIGN.format(tag=f"#{i}"), author=f"bot{i}")

    report = ingest(stream(), source=source)
    assert killed, "the helper was running when the stream reached the kill"
    assert report.accepted == 24
    cluster = Cluster.objects.get()
    assert cluster.post_count == 24 and cluster.author_count == 24
    assert Post.objects.filter(cluster=cluster).count() == 24
    assert Post.objects.filter(is_near_duplicate=True).count() == 23


def test_a_stream_after_a_helper_stream_continues_its_clusters(
    source: Any, settings: Any, monkeypatch: Any
) -> None:
    """After a long stream analysed by the helper (which kept the index), the
    next short one, analysed inline, still recognises the campaign."""
    from sifara.listening import pipeline

    settings.SIFARA_LISTENING_BATCH_SIZE = 2
    settings.SIFARA_LISTENING_ANALYSIS_PROCESS = True
    monkeypatch.setattr(pipeline, "HELPER_MIN_CPUS", 1)
    first = ingest(
        [raw(f"h{i}", CAMPAIGN.format(tag=f"#{i}"), author=f"bot{i}") for i in range(8)],
        source=source,
    )
    assert first.analysis_wait_s > 0  # the helper did the first stream
    later = ingest([raw("late", CAMPAIGN.format(tag="#late"), author="late-bot")], source=source)
    assert later.analysis_wait_s == 0  # inline
    cluster = Cluster.objects.get()
    assert cluster.post_count == 9
    assert Post.objects.get(external_id="late").cluster_id == cluster.pk


def test_sqlite_gets_a_larger_cache_only_while_a_stream_is_stored(
    source: Any, monkeypatch: Any
) -> None:
    from django.db import connection

    from sifara.listening import pipeline

    if connection.vendor != "sqlite":
        pytest.skip("SQLite pragmas")

    def pragmas() -> tuple[int, int]:
        with connection.cursor() as cur:
            cur.execute("PRAGMA cache_size")
            cache = cur.fetchone()[0]
            cur.execute("PRAGMA wal_autocheckpoint")
            return cache, cur.fetchone()[0]

    before = pragmas()
    during: list[tuple[int, int]] = []
    monkeypatch.setattr(hooks, "_hooks", [])
    hooks.register_batch_hook(lambda **kwargs: during.append(pragmas()))
    ingest([raw("p1", "a post about the embassy")], source=source)
    assert during == [(-pipeline.SQLITE_CACHE_KIB, pipeline.SQLITE_CHECKPOINT_PAGES)]
    assert pragmas() == before
