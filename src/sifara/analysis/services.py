"""Writes of listening analysis: alert rules and their evaluation, statements,
claims and their linked posts, saved searches.

Rules kept here:

* alert rules belong to a unit; only people holding ``listening.manage_alerts``
  in that unit change them (:func:`sifara.core.policy.may_manage_alerts_of`);
* an alert is never raised twice for the same thing (``Alert.dedup_key`` per
  rule, :class:`AlertSubject` per cluster or candidate) and a rule stays quiet
  for its cool-down after firing; what happens meanwhile is picked up by the
  first evaluation after the cool-down (no storm, nothing lost);
* every evaluation takes ``now`` (a controllable clock) and reads the hourly
  roll-ups for its baselines;
* e-mails carry the rule, the figures and a link — never post bodies — and
  are sent after the commit.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Min, Sum
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sifara import audit
from sifara.analysis import matching
from sifara.analysis.models import (
    Alert,
    AlertKind,
    AlertRule,
    AlertSubject,
    Claim,
    ClaimPost,
    ClaimRating,
    LinkMethod,
    SavedSearch,
    Statement,
    StatementPost,
)
from sifara.analysis.selectors import floor_hour
from sifara.core import i18n, policy
from sifara.core.errors import ApplicationError, PermissionDeniedError
from sifara.listening.models import Cluster, HourlyRollup, Post, PostMatch, WatchTopic

if TYPE_CHECKING:
    from sifara.directory.models import Unit, User

logger = logging.getLogger(__name__)

#: Posts kept with an alert (the ones that triggered it, most reached first).
ALERT_POSTS = 25
#: How far back a new-cluster or new-candidate rule looks at least.
OBJECT_LOOKBACK = timedelta(hours=24)
#: How far back a new claim is matched against stored posts.
CLAIM_LOOKBACK = timedelta(days=30)
MAX_WINDOW_HOURS = 24 * 7
MAX_BASELINE_HOURS = 24 * 60
MAX_FOLLOW_HOURS = 24 * 30


def _require(user: User | Any, capability: str) -> None:
    if not policy.can(user, capability):
        raise PermissionDeniedError(_("You do not have permission to do this."))


# --- saved searches -----------------------------------------------------------------


def saved_search_create(*, actor: User, name: str, query: str) -> SavedSearch:
    _require(actor, "listening.view")
    name = name.strip()
    if not name:
        raise ApplicationError(_("Give the search a name."), details={"name": _("Required.")})
    if len(query) > 1000:
        raise ApplicationError(_("These filters are too long to save."))
    search, _created = SavedSearch.objects.update_or_create(
        owner=actor, name=name[:120], defaults={"query": query}
    )
    return search


def saved_search_delete(*, actor: User, search: SavedSearch) -> None:
    if search.owner_id != actor.pk:
        raise PermissionDeniedError(_("You do not have permission to do this."))
    search.delete()


# --- alert rules --------------------------------------------------------------------


@dataclass(frozen=True)
class RuleData:
    unit: Unit
    name: str
    kind: str
    topic: WatchTopic | None = None
    window_hours: int = 1
    baseline_hours: int = 12
    threshold_ratio: float = 3.0
    min_posts: int = 20
    cooldown_minutes: int = 60
    notify_email: bool = True
    is_active: bool = True


def _validate_rule(actor: User, data: RuleData) -> None:
    if not policy.may_manage_alerts_of(actor, unit_id=data.unit.pk):
        raise PermissionDeniedError(_("You may manage only your own unit's alert rules."))
    errors: dict[str, str] = {}
    if data.kind not in AlertKind.values:
        errors["kind"] = _("Choose a kind of alert.")
    if not data.name.strip():
        errors["name"] = _("Required.")
    if not 1 <= data.window_hours <= MAX_WINDOW_HOURS:
        errors["window_hours"] = _("Between 1 hour and 7 days.")
    if not 1 <= data.baseline_hours <= MAX_BASELINE_HOURS:
        errors["baseline_hours"] = _("Between 1 hour and 60 days.")
    if data.threshold_ratio <= 1.0 and data.kind in {
        AlertKind.VOLUME_SPIKE,
        AlertKind.NEGATIVE_SPIKE,
    }:
        errors["threshold_ratio"] = _("A spike is more than the baseline: use a value above 1.")
    if errors:
        raise ApplicationError(_("Correct the rule and save again."), details=errors)


def _rule_fields(data: RuleData) -> dict[str, Any]:
    return {
        "unit": data.unit,
        "name": data.name.strip()[:200],
        "kind": data.kind,
        "topic": data.topic,
        "window_hours": data.window_hours,
        "baseline_hours": data.baseline_hours,
        "threshold_ratio": data.threshold_ratio,
        "min_posts": data.min_posts,
        "cooldown_minutes": data.cooldown_minutes,
        "notify_email": data.notify_email,
        "is_active": data.is_active,
    }


@transaction.atomic
def rule_create(*, actor: User, data: RuleData, request: HttpRequest | None = None) -> AlertRule:
    _require(actor, "listening.manage_alerts")
    _validate_rule(actor, data)
    rule = AlertRule(**_rule_fields(data), created_by=actor)
    # Priority terms: only matches from now on (not the whole history).
    rule.cursor = PostMatch.objects.aggregate(m=Max("id"))["m"] or 0
    rule.save()
    audit.record(
        actor=actor,
        action="listening.alert_rule_created",
        target=rule,
        details={"unit": data.unit.code, "kind": rule.kind},
        request=request,
    )
    return rule


@transaction.atomic
def rule_update(
    *, actor: User, rule: AlertRule, data: RuleData, request: HttpRequest | None = None
) -> AlertRule:
    _require(actor, "listening.manage_alerts")
    if not policy.may_manage_alerts_of(actor, unit_id=rule.unit_id):
        raise PermissionDeniedError(_("You may manage only your own unit's alert rules."))
    _validate_rule(actor, data)
    for name, value in _rule_fields(data).items():
        setattr(rule, name, value)
    rule.save()
    audit.record(
        actor=actor,
        action="listening.alert_rule_changed",
        target=rule,
        details={"kind": rule.kind, "active": rule.is_active},
        request=request,
    )
    return rule


@transaction.atomic
def rule_delete(*, actor: User, rule: AlertRule, request: HttpRequest | None = None) -> None:
    _require(actor, "listening.manage_alerts")
    if not policy.may_manage_alerts_of(actor, unit_id=rule.unit_id):
        raise PermissionDeniedError(_("You may manage only your own unit's alert rules."))
    audit.record(
        actor=actor,
        action="listening.alert_rule_deleted",
        target=rule,
        details={"kind": rule.kind, "alerts": rule.alerts.count()},
        request=request,
    )
    rule.delete()


@transaction.atomic
def alert_acknowledge(
    *, actor: User, alert: Alert, now: datetime | None = None, request: HttpRequest | None = None
) -> Alert:
    _require(actor, "listening.view")
    if alert.unit_id not in policy.listening_unit_ids(actor):
        raise PermissionDeniedError(_("You do not have permission to do this."))
    if alert.acknowledged_at is None:
        alert.acknowledged_at = now or timezone.now()
        alert.acknowledged_by = actor
        alert.save(update_fields=["acknowledged_at", "acknowledged_by", "updated_at"])
        audit.record(
            actor=actor, action="listening.alert_acknowledged", target=alert, request=request
        )
    return alert


# --- alert evaluation ---------------------------------------------------------------


@dataclass(frozen=True)
class Windows:
    recent_start: datetime
    end: datetime
    baseline_start: datetime


def rule_windows(rule: AlertRule, now: datetime) -> Windows:
    """Recent window = the last ``window_hours`` whole hours, the current one
    included; baseline = the ``baseline_hours`` before it."""
    end = floor_hour(now) + timedelta(hours=1)
    recent_start = end - timedelta(hours=rule.window_hours)
    return Windows(
        recent_start=recent_start,
        end=end,
        baseline_start=recent_start - timedelta(hours=rule.baseline_hours),
    )


@dataclass(frozen=True)
class Figures:
    recent: int
    expected: float
    recent_negative: int
    expected_negative: float
    recent_share_negative: float
    baseline_share_negative: float


def _history_start(topic_key: int) -> datetime | None:
    """The first hour with a roll-up (topic 0: when listening began at all)."""
    first: datetime | None = (
        HourlyRollup.objects.filter(topic_key=topic_key)
        .order_by("hour")
        .values_list("hour", flat=True)
        .first()
    )
    return first


def rule_figures(rule: AlertRule, now: datetime) -> Figures:
    """Recent and expected counts. The baseline rate is taken over the baseline
    hours for which listening has data at all: a deployment that started three
    days ago does not make a 14-day baseline look empty. (A topic nobody talked
    about before has a true baseline of zero.)"""
    w = rule_windows(rule, now)
    rows = (
        HourlyRollup.objects.filter(
            topic_key=rule.topic_id or 0, hour__gte=w.baseline_start, hour__lt=w.end
        )
        .values("hour", "sentiment_label")
        .annotate(n=Sum("posts"))
    )
    recent = base = recent_neg = base_neg = 0
    for row in rows:
        n = int(row["n"] or 0)
        negative = row["sentiment_label"] == "neg"
        if row["hour"] >= w.recent_start:
            recent += n
            recent_neg += n if negative else 0
        else:
            base += n
            base_neg += n if negative else 0
    covered = rule.baseline_hours
    first = _history_start(0)
    if first is not None and first > w.baseline_start:
        covered = max(0, int((w.recent_start - first).total_seconds() // 3600))
    scale = rule.window_hours / covered if covered else 0.0
    return Figures(
        recent=recent,
        expected=round(base * scale, 2),
        recent_negative=recent_neg,
        expected_negative=round(base_neg * scale, 2),
        recent_share_negative=round(recent_neg / recent, 3) if recent else 0.0,
        baseline_share_negative=round(base_neg / base, 3) if base else 0.0,
    )


def _has_baseline(rule: AlertRule, w: Windows) -> bool:
    first = _history_start(0)
    return first is not None and first < w.recent_start


def cooldown(rule: AlertRule) -> timedelta:
    """A spike over a long window does not alert again before the window has
    moved on: the cool-down is at least the window's length."""
    minutes = rule.cooldown_minutes
    if rule.kind in {AlertKind.VOLUME_SPIKE, AlertKind.NEGATIVE_SPIKE}:
        minutes = max(minutes, rule.window_hours * 60)
    return timedelta(minutes=minutes)


def _in_cooldown(rule: AlertRule, now: datetime) -> bool:
    last = rule.last_fired_at
    return bool(last and last <= now < last + cooldown(rule))


def _window_posts(rule: AlertRule, start: datetime, end: datetime, *, negative: bool) -> list[int]:
    qs = Post.objects.filter(published_at__gte=start, published_at__lt=end)
    if rule.topic_id:
        qs = qs.filter(
            pk__in=PostMatch.objects.filter(
                topic_id=rule.topic_id, published_at__gte=start, published_at__lt=end
            ).values("post_id")
        )
    if negative:
        qs = qs.filter(sentiment_label="neg")
    return list(
        qs.filter(is_near_duplicate=False)
        .order_by("-reach", "-published_at")
        .values_list("id", flat=True)[:ALERT_POSTS]
    )


@dataclass
class Firing:
    dedup_key: str
    observed: float
    expected: float
    window_start: datetime
    window_end: datetime
    details: dict[str, Any]
    post_ids: list[int]
    subjects: list[str]
    cursor: int | None = None


def _check_spike(rule: AlertRule, now: datetime) -> Firing | None:
    w = rule_windows(rule, now)
    f = rule_figures(rule, now)
    negative = rule.kind == AlertKind.NEGATIVE_SPIKE
    observed = f.recent_negative if negative else f.recent
    expected = f.expected_negative if negative else f.expected
    if observed < rule.min_posts or observed < rule.threshold_ratio * max(expected, 1.0):
        return None
    if expected == 0.0 and not _has_baseline(rule, w):
        return None  # no history before the window yet: nothing to compare with
    return Firing(
        dedup_key=f"{rule.kind}:{w.recent_start.isoformat()}",
        observed=observed,
        expected=expected,
        window_start=w.recent_start,
        window_end=min(w.end, now),
        details={
            "recent": f.recent,
            "expected": f.expected,
            "recent_negative": f.recent_negative,
            "expected_negative": f.expected_negative,
            "share_negative": f.recent_share_negative,
            "baseline_share_negative": f.baseline_share_negative,
            "ratio": round(observed / max(expected, 1.0), 1),
            "window_hours": rule.window_hours,
            "baseline_hours": rule.baseline_hours,
        },
        post_ids=_window_posts(
            rule, w.recent_start, min(w.end, now + timedelta(seconds=1)), negative=negative
        ),
        subjects=[],
    )


def _check_priority_terms(rule: AlertRule, now: datetime) -> Firing | None:
    matches = PostMatch.objects.filter(
        id__gt=rule.cursor, term__is_high_priority=True, published_at__lte=now
    )
    if rule.topic_id:
        matches = matches.filter(topic_id=rule.topic_id)
    rows = list(
        matches.order_by("id").values_list("id", "post_id", "term__text", "published_at")[:2000]
    )
    if not rows:
        return None
    terms = Counter(row[2] for row in rows)
    post_ids = list(dict.fromkeys(row[1] for row in rows))
    return Firing(
        dedup_key=f"priority_term:{rows[-1][0]}",
        observed=len(post_ids),
        expected=0.0,
        window_start=min(row[3] for row in rows),
        window_end=now,
        details={"terms": dict(terms.most_common(10))},
        post_ids=post_ids[:ALERT_POSTS],
        subjects=[],
        cursor=rows[-1][0],
    )


def _covered(rule: AlertRule, keys: Iterable[str]) -> set[str]:
    return set(
        AlertSubject.objects.filter(rule=rule, key__in=list(keys)).values_list("key", flat=True)
    )


def _check_new_clusters(rule: AlertRule, now: datetime) -> Firing | None:
    since = now - max(OBJECT_LOOKBACK, timedelta(hours=rule.window_hours))
    clusters = Cluster.objects.filter(
        is_coordinated=True, last_seen__gte=since, first_seen__lte=now
    )
    if rule.topic_id:
        clusters = clusters.filter(posts__matches__topic_id=rule.topic_id).distinct()
    found = list(clusters.order_by("first_seen", "pk")[:50])
    covered = _covered(rule, (f"cluster:{c.pk}" for c in found))
    fresh = [c for c in found if f"cluster:{c.pk}" not in covered]
    if not fresh:
        return None
    post_ids = list(
        Post.objects.filter(cluster__in=fresh)
        .order_by("published_at")
        .values_list("id", flat=True)[:ALERT_POSTS]
    )
    return Firing(
        dedup_key="new_cluster:" + ",".join(str(c.pk) for c in fresh)[:180],
        observed=len(fresh),
        expected=0.0,
        window_start=min(c.first_seen for c in fresh),
        window_end=max(c.last_seen for c in fresh),
        details={
            "clusters": [
                {"id": c.pk, "posts": c.post_count, "accounts": c.author_count} for c in fresh
            ]
        },
        post_ids=post_ids,
        subjects=[f"cluster:{c.pk}" for c in fresh],
    )


def _check_impersonation(rule: AlertRule, now: datetime) -> Firing | None:
    from sifara.accounts.models import Candidate, CandidateStatus

    since = now - max(OBJECT_LOOKBACK, timedelta(hours=rule.window_hours))
    found = list(
        Candidate.objects.filter(
            status=CandidateStatus.PENDING, created_at__gte=since, created_at__lte=now
        )
        .select_related("platform")
        .order_by("created_at", "pk")[:50]
    )
    covered = _covered(rule, (f"candidate:{c.pk}" for c in found))
    fresh = [c for c in found if f"candidate:{c.pk}" not in covered]
    if not fresh:
        return None
    return Firing(
        dedup_key="impersonation:" + ",".join(str(c.pk) for c in fresh)[:180],
        observed=len(fresh),
        expected=0.0,
        window_start=min(c.created_at for c in fresh),
        window_end=now,
        details={
            "candidates": [
                {
                    "id": c.pk,
                    "handle": c.handle,
                    "platform": c.platform.code,
                    "score": round(c.score, 2),
                }
                for c in fresh
            ]
        },
        post_ids=[],
        subjects=[f"candidate:{c.pk}" for c in fresh],
    )


_CHECKS = {
    AlertKind.VOLUME_SPIKE: _check_spike,
    AlertKind.NEGATIVE_SPIKE: _check_spike,
    AlertKind.PRIORITY_TERM: _check_priority_terms,
    AlertKind.NEW_CLUSTER: _check_new_clusters,
    AlertKind.IMPERSONATION: _check_impersonation,
}


def rule_evaluate(*, rule: AlertRule, now: datetime | None = None) -> Alert | None:
    """Evaluate one rule at ``now``; the new alert, or None (quiet, cooling down,
    or already alerted)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = AlertRule.objects.select_for_update().filter(pk=rule.pk, is_active=True).first()
        if locked is None or _in_cooldown(locked, now):
            return None
        check = _CHECKS.get(AlertKind(locked.kind))
        firing = check(locked, now) if check else None
        if firing is None:
            return None
        if Alert.objects.filter(rule=locked, dedup_key=firing.dedup_key).exists():
            return None
        try:
            with transaction.atomic():
                alert = Alert.objects.create(
                    rule=locked,
                    unit_id=locked.unit_id,
                    kind=locked.kind,
                    fired_at=now,
                    window_start=firing.window_start,
                    window_end=firing.window_end,
                    observed=firing.observed,
                    expected=firing.expected,
                    dedup_key=firing.dedup_key,
                    details=firing.details,
                )
                AlertSubject.objects.bulk_create(
                    [AlertSubject(rule=locked, alert=alert, key=key) for key in firing.subjects]
                )
        except IntegrityError:
            return None
        if firing.post_ids:
            alert.posts.add(*firing.post_ids)
        locked.last_fired_at = now
        fields = ["last_fired_at", "updated_at"]
        if firing.cursor is not None:
            locked.cursor = firing.cursor
            fields.append("cursor")
        locked.save(update_fields=fields)
        audit.record(
            actor=None,
            actor_label="system",
            action="listening.alert_fired",
            target=alert,
            details={"rule": locked.pk, "kind": alert.kind, "posts": len(firing.post_ids)},
        )
        if locked.notify_email:
            alert_id = alert.pk
            transaction.on_commit(lambda: _queue_email(alert_id))
    rule.last_fired_at = locked.last_fired_at
    return alert


def _queue_email(alert_id: int) -> None:
    from sifara.analysis.tasks import analysis_alert_email

    analysis_alert_email(alert_id)


def alerts_evaluate(
    *, now: datetime | None = None, kinds: Iterable[str] | None = None
) -> list[Alert]:
    """Evaluate every active rule (or those of ``kinds``); the alerts raised."""
    now = now or timezone.now()
    rules = AlertRule.objects.filter(is_active=True).order_by("pk")
    if kinds is not None:
        rules = rules.filter(kind__in=list(kinds))
    raised = []
    for rule in rules:
        alert = rule_evaluate(rule=rule, now=now)
        if alert is not None:
            raised.append(alert)
    return raised


def _recipients(alert: Alert) -> list[tuple[str, str]]:
    from sifara.directory.models import User

    roles = policy.CAPABILITIES["listening.view"]
    users = (
        User.objects.filter(
            is_active=True,
            memberships__unit_id=alert.unit_id,
            memberships__role__in=roles,
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    return [(u.email, u.preferred_language or settings.LANGUAGE_CODE) for u in users]


def alert_summary(alert: Alert) -> str:
    """One line of figures, in the active language and its digits (no post bodies)."""
    d = alert.details or {}
    num = i18n.format_number
    if alert.kind in {AlertKind.VOLUME_SPIKE, AlertKind.NEGATIVE_SPIKE}:
        return _(
            "%(observed)s posts in the last %(hours)s h against %(expected)s expected "
            "from the previous %(baseline)s h (×%(ratio)s)."
        ) % {
            "observed": num(int(alert.observed)),
            "hours": num(d.get("window_hours")),
            "expected": num(alert.expected),
            "baseline": num(d.get("baseline_hours")),
            "ratio": num(d.get("ratio")),
        }
    if alert.kind == AlertKind.PRIORITY_TERM:
        terms = ", ".join(str(t) for t in (d.get("terms") or {}))
        return _("%(count)s posts name a high-priority term: %(terms)s.") % {
            "count": num(int(alert.observed)),
            "terms": terms,
        }
    if alert.kind == AlertKind.NEW_CLUSTER:
        return _("%(count)s new coordinated clusters of near-identical posts.") % {
            "count": num(int(alert.observed))
        }
    handles = ", ".join("@" + str(c.get("handle")) for c in d.get("candidates", []))
    return _("%(count)s new impersonation candidates: %(handles)s.") % {
        "count": num(int(alert.observed)),
        "handles": handles,
    }


def alert_email_send(*, alert_id: int) -> int:
    """Send the alert's e-mail to its unit's listening people once; the number sent."""
    from django.core.mail import send_mail

    with transaction.atomic():
        alert = (
            Alert.objects.select_for_update()
            .select_related("rule", "unit")
            .filter(pk=alert_id, emailed_at__isnull=True)
            .first()
        )
        if alert is None:
            return 0
        alert.emailed_at = timezone.now()
        alert.save(update_fields=["emailed_at", "updated_at"])
    link = settings.SIFARA_SITE_URL.rstrip("/") + reverse(
        "analysis:alert_detail", kwargs={"alert_id": alert.pk}
    )
    sent = 0
    for email, language in _recipients(alert):
        with translation.override(language):
            subject = _("Listening alert: %(rule)s") % {"rule": alert.rule.name}
            body = "\n".join(
                [
                    _("Rule: %(rule)s (%(kind)s)")
                    % {"rule": alert.rule.name, "kind": AlertKind(alert.kind).label},
                    alert_summary(alert),
                    _("Open the alert and the posts that triggered it: %(link)s") % {"link": link},
                ]
            )
        try:
            send_mail(subject, body, None, [email], fail_silently=False)
            sent += 1
        except Exception:
            logger.exception("listening alert e-mail could not be sent")
    return sent


# --- statements ---------------------------------------------------------------------


@dataclass(frozen=True)
class StatementData:
    title: str
    text: str
    published_at: datetime
    channels: str
    terms: str
    follow_hours: int = 72


def _validate_statement(data: StatementData) -> None:
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = _("Required.")
    if not data.text.strip():
        errors["text"] = _("Required.")
    if not matching.prepare_terms(line for line in data.terms.splitlines()):
        errors["terms"] = _("Give at least one related term.")
    if not 1 <= data.follow_hours <= MAX_FOLLOW_HOURS:
        errors["follow_hours"] = _("Between 1 hour and 30 days.")
    if errors:
        raise ApplicationError(_("Correct the statement and save again."), details=errors)


def statement_create(
    *, actor: User, data: StatementData, request: HttpRequest | None = None
) -> Statement:
    _require(actor, "listening.manage_statements")
    _validate_statement(data)
    with transaction.atomic():
        statement = Statement.objects.create(
            title=data.title.strip()[:300],
            text=data.text.strip(),
            published_at=data.published_at,
            channels=data.channels.strip()[:500],
            terms=data.terms.strip(),
            follow_hours=data.follow_hours,
            created_by=actor,
        )
        audit.record(
            actor=actor, action="listening.statement_created", target=statement, request=request
        )
        statement_id = statement.pk
        transaction.on_commit(lambda: _queue_statement(statement_id))
    return statement


def statement_update(
    *, actor: User, statement: Statement, data: StatementData, request: HttpRequest | None = None
) -> Statement:
    _require(actor, "listening.manage_statements")
    _validate_statement(data)
    with transaction.atomic():
        statement.title = data.title.strip()[:300]
        statement.text = data.text.strip()
        statement.published_at = data.published_at
        statement.channels = data.channels.strip()[:500]
        statement.terms = data.terms.strip()
        statement.follow_hours = data.follow_hours
        statement.save()
        StatementPost.objects.filter(statement=statement).delete()
        audit.record(
            actor=actor, action="listening.statement_changed", target=statement, request=request
        )
        statement_id = statement.pk
        transaction.on_commit(lambda: _queue_statement(statement_id))
    return statement


def _queue_statement(statement_id: int) -> None:
    from sifara.analysis.tasks import analysis_statement_collect

    analysis_statement_collect(statement_id)


def statement_collect(*, statement: Statement, post_ids: Sequence[int] | None = None) -> int:
    """Link the posts published while the statement is followed that name one of
    its terms; the number of new reactions."""
    terms = matching.prepare_terms(statement.term_list())
    end = statement.published_at + timedelta(hours=statement.follow_hours)
    posts = Post.objects.filter(published_at__gte=statement.published_at, published_at__lt=end)
    if post_ids is not None:
        posts = posts.filter(pk__in=list(post_ids))
    found = []
    for post_id, text, published_at in posts.values_list("id", "text", "published_at").iterator(
        chunk_size=5000
    ):
        if matching.mentions_any(terms, text):
            found.append(
                StatementPost(statement=statement, post_id=post_id, published_at=published_at)
            )
    before = StatementPost.objects.filter(statement=statement).count()
    StatementPost.objects.bulk_create(found, ignore_conflicts=True, batch_size=2000)
    return StatementPost.objects.filter(statement=statement).count() - before


# --- claims -------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimData:
    title: str
    claim_ar: str
    claim_en: str
    rebuttal_ar: str
    rebuttal_en: str
    rating: str = ClaimRating.FALSE
    variants: str = ""
    evidence: str = ""
    rebuttal_url: str = ""
    rebutted_at: datetime | None = None
    first_seen_url: str = ""
    first_seen_at: datetime | None = None
    threshold: float = 0.6
    is_active: bool = True


def _validate_claim(data: ClaimData) -> None:
    errors: dict[str, str] = {}
    for name in ("title", "claim_ar", "claim_en", "rebuttal_ar", "rebuttal_en"):
        if not str(getattr(data, name)).strip():
            errors[name] = _("Required.")
    if data.rating not in ClaimRating.values:
        errors["rating"] = _("Choose a rating.")
    if not 0.3 <= data.threshold <= 1.0:
        errors["threshold"] = _("Between 0.3 and 1.")
    if errors:
        raise ApplicationError(_("Correct the claim and save again."), details=errors)


def _claim_fields(data: ClaimData) -> dict[str, Any]:
    return {
        "title": data.title.strip()[:300],
        "claim_ar": data.claim_ar.strip(),
        "claim_en": data.claim_en.strip(),
        "variants": data.variants.strip(),
        "rating": data.rating,
        "evidence": data.evidence.strip(),
        "rebuttal_ar": data.rebuttal_ar.strip(),
        "rebuttal_en": data.rebuttal_en.strip(),
        "rebuttal_url": data.rebuttal_url.strip(),
        "rebutted_at": data.rebutted_at,
        "first_seen_url": data.first_seen_url.strip(),
        "first_seen_at": data.first_seen_at,
        "threshold": data.threshold,
        "is_active": data.is_active,
    }


def claim_create(*, actor: User, data: ClaimData, request: HttpRequest | None = None) -> Claim:
    _require(actor, "listening.manage_claims")
    _validate_claim(data)
    with transaction.atomic():
        claim = Claim.objects.create(**_claim_fields(data), created_by=actor)
        audit.record(actor=actor, action="listening.claim_created", target=claim, request=request)
        claim_id = claim.pk
        transaction.on_commit(lambda: _queue_claim(claim_id))
    return claim


def claim_update(
    *, actor: User, claim: Claim, data: ClaimData, request: HttpRequest | None = None
) -> Claim:
    _require(actor, "listening.manage_claims")
    _validate_claim(data)
    with transaction.atomic():
        for name, value in _claim_fields(data).items():
            setattr(claim, name, value)
        claim.save()
        audit.record(actor=actor, action="listening.claim_changed", target=claim, request=request)
        claim_id = claim.pk
        transaction.on_commit(lambda: _queue_claim(claim_id))
    return claim


def _queue_claim(claim_id: int) -> None:
    from sifara.analysis.tasks import analysis_claim_link

    analysis_claim_link(claim_id)


def claim_link_auto(
    *, claim: Claim, post_ids: Sequence[int] | None = None, now: datetime | None = None
) -> int:
    """Link the posts that say what the claim says (see :mod:`.matching`); the
    number of new links. Without ``post_ids``: the posts of the last 30 days."""
    wordings = matching.prepare(claim.wordings())
    if not wordings:
        return 0
    if post_ids is not None:
        posts = Post.objects.filter(pk__in=list(post_ids))
    else:
        now = now or timezone.now()
        since = min(claim.first_seen_at or now, now) - CLAIM_LOOKBACK
        posts = Post.objects.filter(published_at__gte=since)
    found = []
    for post_id, text, published_at in posts.values_list("id", "text", "published_at").iterator(
        chunk_size=5000
    ):
        score = matching.claim_similarity(wordings, text)
        if score >= claim.threshold:
            found.append(
                ClaimPost(
                    claim=claim,
                    post_id=post_id,
                    published_at=published_at,
                    method=LinkMethod.AUTOMATIC,
                    score=score,
                )
            )
    before = ClaimPost.objects.filter(claim=claim).count()
    ClaimPost.objects.bulk_create(found, ignore_conflicts=True, batch_size=2000)
    return ClaimPost.objects.filter(claim=claim).count() - before


def claim_link_post(
    *, actor: User, claim: Claim, post: Post, request: HttpRequest | None = None
) -> ClaimPost:
    """An analyst links a post by hand."""
    _require(actor, "listening.manage_claims")
    wordings = matching.prepare(claim.wordings())
    with transaction.atomic():
        link, created = ClaimPost.objects.get_or_create(
            claim=claim,
            post=post,
            defaults={
                "published_at": post.published_at,
                "method": LinkMethod.ANALYST,
                "score": matching.claim_similarity(wordings, post.text),
                "linked_by": actor,
            },
        )
        if created:
            audit.record(
                actor=actor,
                action="listening.claim_post_linked",
                target=claim,
                details={"post": post.pk},
                request=request,
            )
    return link


def claim_unlink_post(
    *, actor: User, claim: Claim, link_id: int, request: HttpRequest | None = None
) -> None:
    _require(actor, "listening.manage_claims")
    with transaction.atomic():
        deleted, _rows = ClaimPost.objects.filter(claim=claim, pk=link_id).delete()
        if deleted:
            audit.record(
                actor=actor,
                action="listening.claim_post_unlinked",
                target=claim,
                details={"link": link_id},
                request=request,
            )


# --- the ingest pipeline's post-batch hook ------------------------------------------


def batch_analyse(*, post_ids: Sequence[int], now: datetime | None = None) -> dict[str, int]:
    """After each ingested batch: link the new posts to followed statements and
    claims, then evaluate the alert rules. Returns counts."""
    now = now or timezone.now()
    ids = list(post_ids)
    counts = {"reactions": 0, "claim_links": 0, "alerts": 0}
    if ids:
        bounds = Post.objects.filter(pk__in=ids).aggregate(
            first=Min("published_at"), last=Max("published_at")
        )
        if bounds["first"] is not None:
            statements = Statement.objects.filter(
                published_at__lte=bounds["last"],
                published_at__gte=bounds["first"] - timedelta(hours=MAX_FOLLOW_HOURS),
            )
            for statement in statements:
                if (
                    statement.published_at + timedelta(hours=statement.follow_hours)
                    < bounds["first"]
                ):
                    continue
                counts["reactions"] += statement_collect(statement=statement, post_ids=ids)
            for claim in Claim.objects.filter(is_active=True):
                counts["claim_links"] += claim_link_auto(claim=claim, post_ids=ids)
    counts["alerts"] = len(alerts_evaluate(now=now))
    return counts
