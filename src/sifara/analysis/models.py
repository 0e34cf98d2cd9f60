"""Models of listening analysis: alert rules and alerts, statements, claims, saved searches.

Posts, clusters, watch-lists and hourly roll-ups belong to the ``listening`` app
(read-only here). Everything below refers to them by foreign key.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sifara.core.models import BaseModel


class AlertKind(models.TextChoices):
    VOLUME_SPIKE = "volume_spike", _("Volume spike")
    NEGATIVE_SPIKE = "negative_spike", _("Negative-sentiment spike")
    PRIORITY_TERM = "priority_term", _("High-priority term")
    NEW_CLUSTER = "new_cluster", _("New coordinated cluster")
    IMPERSONATION = "impersonation", _("New impersonation candidate")


class AlertRule(BaseModel):
    """A unit's rule: when it fires, the unit's people see an alert (and an e-mail)."""

    unit = models.ForeignKey(
        "directory.Unit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="listening_alert_rules",
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices)
    #: None = all posts.
    topic = models.ForeignKey(
        "listening.WatchTopic",
        verbose_name=_("watch-list topic"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    window_hours = models.PositiveIntegerField(_("recent window (hours)"), default=1)
    baseline_hours = models.PositiveIntegerField(_("baseline (hours)"), default=12)
    #: Fire when the recent figure is at least this many times the baseline's.
    threshold_ratio = models.FloatField(_("threshold (times the baseline)"), default=3.0)
    #: ... and at least this many posts (no alert on 3 posts against 1).
    min_posts = models.PositiveIntegerField(_("minimum posts"), default=20)
    cooldown_minutes = models.PositiveIntegerField(_("cool-down (minutes)"), default=60)
    notify_email = models.BooleanField(_("send e-mail"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    last_fired_at = models.DateTimeField(_("last fired"), null=True, blank=True)
    #: priority_term: the last PostMatch id already considered (ids only grow).
    cursor = models.BigIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["unit__code", "name"]
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(window_hours__gte=1) & Q(baseline_hours__gte=1),
                name="analysis_rule_windows_positive",
            ),
            models.CheckConstraint(
                condition=Q(threshold_ratio__gt=0), name="analysis_rule_threshold_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Alert(BaseModel):
    """One firing of a rule, with the figures and the posts that triggered it."""

    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="alerts")
    unit = models.ForeignKey(
        "directory.Unit", on_delete=models.CASCADE, related_name="listening_alerts"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices)
    fired_at = models.DateTimeField(_("fired at"), db_index=True)
    window_start = models.DateTimeField(_("window start"))
    window_end = models.DateTimeField(_("window end"))
    observed = models.FloatField(_("observed"), default=0.0)
    expected = models.FloatField(_("expected"), default=0.0)
    #: What the alert is about, so the same thing never alerts twice per rule.
    dedup_key = models.CharField(max_length=200)
    #: Small figures shown with the alert (counts, shares, handles, ids). No post bodies.
    details = models.JSONField(default=dict, blank=True)
    posts = models.ManyToManyField("listening.Post", related_name="+", blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-fired_at", "-pk"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["rule", "dedup_key"], name="analysis_alert_dedup")
        ]
        indexes: ClassVar = [models.Index(fields=["unit", "-fired_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.fired_at:%Y-%m-%d %H:%M}"


class AlertSubject(models.Model):
    """A cluster or candidate already covered by a rule's alert (de-duplication)."""

    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="subjects")
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="subjects")
    key = models.CharField(max_length=100)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["rule", "key"], name="analysis_subject_unique")
        ]

    def __str__(self) -> str:
        return self.key


class Statement(BaseModel):
    """An official statement whose reaction Sifara follows."""

    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published"), db_index=True)
    channels = models.CharField(
        _("channels"), max_length=500, blank=True, help_text=_("Where it was published.")
    )
    #: One term or phrase a line, matched after the shared normalisation.
    terms = models.TextField(_("related terms"), help_text=_("One term or phrase per line."))
    follow_hours = models.PositiveIntegerField(_("follow for (hours)"), default=72)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["-published_at"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")

    def __str__(self) -> str:
        return self.title

    def term_list(self) -> list[str]:
        return [line.strip() for line in self.terms.splitlines() if line.strip()]


class StatementPost(models.Model):
    """A post reacting to a statement (it names one of the statement's terms)."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="reactions")
    post = models.ForeignKey("listening.Post", on_delete=models.CASCADE, related_name="+")
    published_at = models.DateTimeField()  # copied from the post

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["statement", "post"], name="analysis_reaction_unique")
        ]
        indexes: ClassVar = [models.Index(fields=["statement", "published_at"])]

    def __str__(self) -> str:
        return f"{self.statement_id} <- {self.post_id}"


class ClaimRating(models.TextChoices):
    FALSE = "false", _("False")
    MISLEADING = "misleading", _("Misleading")
    MISSING_CONTEXT = "missing_context", _("Missing context")


class Claim(BaseModel):
    """A false or misleading narrative, its evidence and the ministry's rebuttal."""

    title = models.CharField(_("title"), max_length=300)
    claim_ar = models.TextField(_("claim (Arabic)"))
    claim_en = models.TextField(_("claim (English)"))
    #: Other wordings seen (any language), one a line: matched like the claim.
    variants = models.TextField(_("other wordings"), blank=True)
    rating = models.CharField(
        _("rating"), max_length=20, choices=ClaimRating.choices, default=ClaimRating.FALSE
    )
    evidence = models.TextField(_("evidence"), blank=True)
    rebuttal_ar = models.TextField(_("rebuttal (Arabic)"))
    rebuttal_en = models.TextField(_("rebuttal (English)"))
    rebuttal_url = models.URLField(_("rebuttal page"), max_length=500, blank=True)
    rebutted_at = models.DateTimeField(_("rebuttal published"), null=True, blank=True)
    first_seen_url = models.URLField(_("first appearance"), max_length=1000, blank=True)
    first_seen_at = models.DateTimeField(_("first seen"), null=True, blank=True)
    #: Minimum similarity (0..1) for a post to be linked automatically.
    threshold = models.FloatField(_("similarity threshold"), default=0.6)
    is_active = models.BooleanField(_("follow new posts"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["-created_at"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(threshold__gt=0) & Q(threshold__lte=1),
                name="analysis_claim_threshold_0_1",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def wordings(self) -> list[str]:
        extra = [line.strip() for line in self.variants.splitlines() if line.strip()]
        return [w for w in [self.claim_ar.strip(), self.claim_en.strip(), *extra] if w]


class LinkMethod(models.TextChoices):
    AUTOMATIC = "auto", _("Automatic")
    ANALYST = "analyst", _("Analyst")


class ClaimPost(models.Model):
    """A post spreading a claim."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="links")
    post = models.ForeignKey("listening.Post", on_delete=models.CASCADE, related_name="+")
    published_at = models.DateTimeField()  # copied from the post
    method = models.CharField(_("linked by"), max_length=10, choices=LinkMethod.choices)
    score = models.FloatField(_("similarity"), default=0.0)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["claim", "post"], name="analysis_claim_post_unique")
        ]
        indexes: ClassVar = [models.Index(fields=["claim", "published_at"])]

    def __str__(self) -> str:
        return f"{self.claim_id} <- {self.post_id}"


class SavedSearch(BaseModel):
    """A named set of dashboard filters, private to its owner."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="listening_searches"
    )
    name = models.CharField(_("name"), max_length=120)
    query = models.CharField(_("filters"), max_length=1000)

    class Meta:
        ordering: ClassVar = ["name"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["owner", "name"], name="analysis_search_name_unique")
        ]

    def __str__(self) -> str:
        return self.name
