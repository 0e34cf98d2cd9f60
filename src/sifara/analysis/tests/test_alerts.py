"""Alert rules: spikes against a trailing baseline, cool-down, de-duplication,
priority terms, clusters, impersonation candidates, e-mail — with a clock the
test controls."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import translation

from sifara.analysis import services
from sifara.analysis.models import Alert, AlertKind
from sifara.analysis.tests.factories import P, add_posts, make_cluster, make_topic
from sifara.core.errors import PermissionDeniedError

NOW = datetime(2026, 11, 20, 10, 30, tzinfo=UTC)


def _rule(actor: Any, unit: Any, **fields: Any) -> Any:
    data = {
        "unit": unit,
        "name": "Ministry volume",
        "kind": AlertKind.VOLUME_SPIKE,
        "window_hours": 1,
        "baseline_hours": 12,
        "threshold_ratio": 3.0,
        "min_posts": 10,
        "cooldown_minutes": 60,
        **fields,
    }
    return services.rule_create(actor=actor, data=services.RuleData(**data))


def _baseline(per_hour: int, *, hours: int = 12, end: datetime = NOW, **fields: Any) -> None:
    start = end.replace(minute=0) - timedelta(hours=hours)
    add_posts(
        [
            P(at=start + timedelta(hours=h, minutes=m * 3), **fields)
            for h in range(hours)
            for m in range(per_hour)
        ]
    )


@pytest.fixture(autouse=True)
def _listening_began_yesterday(db: Any) -> None:
    """Listening has data from before the windows (a quiet post a day earlier)."""
    add_posts([P(at=NOW - timedelta(hours=30), text="quiet")])


def _burst(count: int, *, at: datetime, **fields: Any) -> None:
    add_posts([P(at=at - timedelta(seconds=i * 20), **fields) for i in range(count)])


def test_volume_spike_against_the_trailing_baseline(analyst: Any, digital_unit: Any) -> None:
    rule = _rule(analyst, digital_unit)
    _baseline(5)  # 5 posts an hour for the previous 12 hours -> 5 expected
    _burst(14, at=NOW)  # < 3 x 5
    assert services.alerts_evaluate(now=NOW) == []

    _burst(2, at=NOW - timedelta(minutes=10))  # 16 >= 15
    [alert] = services.alerts_evaluate(now=NOW)
    assert alert.rule == rule
    assert alert.observed == 16
    assert alert.expected == 5
    assert alert.details["ratio"] == 3.2
    assert alert.window_start == NOW.replace(minute=0)
    # the posts that triggered it are attached
    assert alert.posts.count() == 16
    assert "16 posts in the last 1 h against 5 expected" in services.alert_summary(alert)
    with translation.override("ar"):  # figures in the reader's digits too
        summary = services.alert_summary(alert)
    assert "١٦" in summary and "١٢" in summary and "16" not in summary


def test_minimum_posts_keeps_tiny_numbers_quiet(analyst: Any, digital_unit: Any) -> None:
    _rule(analyst, digital_unit, min_posts=20)
    _burst(12, at=NOW)  # an empty baseline: x12, but only 12 posts
    assert services.alerts_evaluate(now=NOW) == []


def test_no_alert_before_there_is_any_history(analyst: Any, digital_unit: Any) -> None:
    from sifara.listening.models import HourlyRollup, Post

    Post.objects.all().delete()
    HourlyRollup.objects.all().delete()
    _rule(analyst, digital_unit)
    _burst(50, at=NOW)  # the very first posts ever: nothing to compare with
    assert services.alerts_evaluate(now=NOW) == []


def test_a_day_against_the_previous_fourteen_days(analyst: Any, digital_unit: Any) -> None:
    _rule(analyst, digital_unit, window_hours=24, baseline_hours=336, threshold_ratio=2.0)
    start = NOW.replace(minute=0) - timedelta(hours=24 + 336 - 1)
    add_posts([P(at=start + timedelta(hours=6 * i)) for i in range(56)])  # 4 a day
    add_posts([P(at=NOW - timedelta(hours=i)) for i in range(12)])  # 12 today
    [alert] = services.alerts_evaluate(now=NOW)
    assert alert.observed == 12
    assert alert.expected == pytest.approx(56 * 24 / 336, rel=0.05)


def test_deduplication_same_window_alerts_once(analyst: Any, digital_unit: Any) -> None:
    rule = _rule(analyst, digital_unit, cooldown_minutes=0)
    _burst(30, at=NOW)
    assert len(services.alerts_evaluate(now=NOW)) == 1
    # evaluated again a few minutes later, in the same hour: nothing new
    _burst(5, at=NOW + timedelta(minutes=5))
    assert services.alerts_evaluate(now=NOW + timedelta(minutes=5)) == []
    assert services.alerts_evaluate(now=NOW + timedelta(minutes=10)) == []
    assert Alert.objects.filter(rule=rule).count() == 1


def test_cooldown_silences_a_continuing_spike_then_lets_it_through(
    analyst: Any, digital_unit: Any
) -> None:
    rule = _rule(analyst, digital_unit, cooldown_minutes=120)
    _burst(30, at=NOW)
    assert len(services.alerts_evaluate(now=NOW)) == 1
    # next hour still spiking: inside the 2-hour cool-down, no storm
    later = NOW + timedelta(hours=1)
    _burst(40, at=later)
    assert services.alerts_evaluate(now=later) == []
    # after the cool-down, the spike that is still going on alerts again
    after = NOW + timedelta(hours=2, minutes=1)
    _burst(60, at=after)
    [alert] = services.alerts_evaluate(now=after)
    assert alert.fired_at == after
    assert Alert.objects.filter(rule=rule).count() == 2


def test_negative_sentiment_spike_counts_negative_posts_only(
    analyst: Any, digital_unit: Any
) -> None:
    _rule(analyst, digital_unit, kind=AlertKind.NEGATIVE_SPIKE, name="Anger", threshold_ratio=3.0)
    _baseline(4, label="neu")
    _baseline(1, label="neg", sentiment=-0.6)  # 1 negative an hour
    _burst(30, at=NOW, label="pos", sentiment=0.5)  # lots of positive: not a negative spike
    assert services.alerts_evaluate(now=NOW) == []
    _burst(12, at=NOW, label="neg", sentiment=-0.7)
    [alert] = services.alerts_evaluate(now=NOW)
    assert alert.observed == 12
    assert alert.details["share_negative"] == pytest.approx(12 / 42, abs=0.001)
    assert set(alert.posts.values_list("sentiment_label", flat=True)) == {"neg"}


def test_spike_rule_of_a_topic_reads_that_topic_only(analyst: Any, digital_unit: Any) -> None:
    topic = make_topic(digital_unit, terms=["visa"])
    term = topic.terms.get()
    _rule(analyst, digital_unit, topic=topic)
    _burst(40, at=NOW)  # unrelated posts
    assert services.alerts_evaluate(now=NOW) == []
    _burst(12, at=NOW, terms=[term], text="visa queues")
    [alert] = services.alerts_evaluate(now=NOW)
    assert alert.observed == 12


def test_high_priority_term_alerts_once_per_new_post(analyst: Any, digital_unit: Any) -> None:
    topic = make_topic(digital_unit, terms=[("ambassador expelled", True), ("embassy", False)])
    urgent = topic.terms.get(is_high_priority=True)
    plain = topic.terms.get(is_high_priority=False)
    add_posts([P(at=NOW - timedelta(hours=3), terms=[urgent])])  # before the rule: ignored
    rule = _rule(
        analyst, digital_unit, kind=AlertKind.PRIORITY_TERM, name="Urgent", cooldown_minutes=30
    )
    add_posts([P(at=NOW, terms=[plain])])
    assert services.alerts_evaluate(now=NOW) == []
    add_posts([P(at=NOW, terms=[urgent], text="Reports: ambassador expelled")] * 1)
    [alert] = services.alerts_evaluate(now=NOW)
    assert alert.details["terms"] == {"ambassador expelled": 1}
    assert alert.posts.count() == 1
    assert services.alerts_evaluate(now=NOW + timedelta(minutes=1)) == []  # nothing new
    # a new one during the cool-down waits, then comes in one alert
    add_posts([P(at=NOW + timedelta(minutes=5), terms=[urgent]), P(at=NOW, terms=[urgent])])
    assert services.alerts_evaluate(now=NOW + timedelta(minutes=10)) == []
    [second] = services.alerts_evaluate(now=NOW + timedelta(minutes=31))
    assert second.posts.count() == 2
    assert Alert.objects.filter(rule=rule).count() == 2


def test_new_coordinated_cluster_alerts_once(analyst: Any, digital_unit: Any) -> None:
    rule = _rule(
        analyst, digital_unit, kind=AlertKind.NEW_CLUSTER, name="Campaigns", cooldown_minutes=0
    )
    make_cluster(at=NOW - timedelta(minutes=40), text="Copy paste", accounts=6, coordinated=False)
    assert services.alerts_evaluate(now=NOW) == []
    cluster = make_cluster(at=NOW - timedelta(minutes=30), text="Boycott now", accounts=8)
    [alert] = services.alerts_evaluate(now=NOW)
    assert alert.details["clusters"] == [{"id": cluster.pk, "posts": 8, "accounts": 8}]
    assert alert.posts.count() == 8
    assert services.alerts_evaluate(now=NOW + timedelta(minutes=5)) == []
    assert Alert.objects.filter(rule=rule).count() == 1


def test_new_impersonation_candidate_from_the_review_queue(analyst: Any, digital_unit: Any) -> None:
    from django.utils import timezone

    from sifara.accounts.models import Candidate, Platform

    platform, _ = Platform.objects.get_or_create(
        code="x",
        defaults={
            "name_en": "X",
            "name_ar": "إكس",
            "profile_url_template": "https://x.com/{handle}",
        },
    )
    _rule(analyst, digital_unit, kind=AlertKind.IMPERSONATION, name="Fakes", cooldown_minutes=0)
    Candidate.objects.create(
        platform=platform, handle="mfa_demo_help", source="manual", score=0.91, fingerprint="f"
    )
    now = timezone.now()
    [alert] = services.alerts_evaluate(now=now)
    assert alert.details["candidates"][0]["handle"] == "mfa_demo_help"
    assert services.alerts_evaluate(now=now) == []


def test_alert_email_is_short_and_goes_to_the_unit(
    analyst: Any,
    digital_officer: Any,
    europe_analyst: Any,
    digital_unit: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.SIFARA_SITE_URL = "https://sifara.mfa.example"
    _rule(analyst, digital_unit)
    _burst(30, at=NOW, text="SECRET-LOOKING BODY TEXT that must not be e-mailed")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        [alert] = services.alerts_evaluate(now=NOW)
    assert len(mail.outbox) == 2
    assert services.alert_email_send(alert_id=alert.pk) == 0  # sent once only
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["analyst1@mfa.example", "digital1@mfa.example"]
    english = next(m for m in mail.outbox if m.to == ["digital1@mfa.example"])
    assert english.subject == "Listening alert: Ministry volume"
    assert f"https://sifara.mfa.example/listening/alerts/{alert.pk}/" in english.body
    assert "30 posts" in english.body
    assert "BODY TEXT" not in english.body
    arabic = next(m for m in mail.outbox if m.to == ["analyst1@mfa.example"])
    assert "BODY TEXT" not in arabic.body


def test_rules_belong_to_a_unit(analyst: Any, europe_analyst: Any, europe_unit: Any) -> None:
    with pytest.raises(PermissionDeniedError):
        _rule(analyst, europe_unit)
    rule = _rule(europe_analyst, europe_unit)
    with pytest.raises(PermissionDeniedError):
        services.rule_delete(actor=analyst, rule=rule)


def test_a_spike_needs_a_ratio_above_one(analyst: Any, digital_unit: Any) -> None:
    from sifara.core.errors import ApplicationError

    with pytest.raises(ApplicationError) as caught:
        _rule(analyst, digital_unit, threshold_ratio=0.5)
    assert "threshold_ratio" in caught.value.details
