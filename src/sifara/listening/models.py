"""Listening: sources, the posts they deliver, watch-lists, clusters and roll-ups.

Posts are high-volume (the ingest pipeline stores tens of thousands per second):
keep rows narrow, write them in bulk, and read them through the roll-ups
whenever a figure is enough. Analyses built on posts (alerts, statements,
claims, dashboards) live in the ``analysis`` app.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sifara.core.models import BaseModel


class Platform(models.TextChoices):
    RSS = "rss", _("News feed (RSS/Atom)")
    BLUESKY = "bluesky", _("Bluesky")
    MASTODON = "mastodon", _("Mastodon")
    TELEGRAM = "telegram", _("Telegram")
    X = "x", _("X")
    FILE = "file", _("File import")


class Source(BaseModel):
    """Where posts come from: a feed, a platform connector, or a file import."""

    name = models.SlugField(_("name"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    #: Connector configuration (feed URL, instance, hashtags, channel...). No secrets.
    config = models.JSONField(_("configuration"), default=dict, blank=True)
    #: Connector credentials, encrypted with core.crypto (None when not needed).
    credentials = models.BinaryField(_("credentials (encrypted)"), null=True, blank=True)
    credentials_key = models.ForeignKey(
        "core.DataKey", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)
    poll_interval_s = models.PositiveIntegerField(_("poll interval (seconds)"), default=300)
    # --- position and health (written by the connector process) ---
    cursor = models.CharField(_("resume position"), max_length=500, blank=True)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_item_at = models.DateTimeField(_("last item"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    last_error_at = models.DateTimeField(_("last error"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    items_total = models.BigIntegerField(_("items accepted"), default=0)
    items_skipped = models.BigIntegerField(_("items skipped"), default=0)

    class Meta:
        ordering = ["title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.title


class Cluster(BaseModel):
    """Near-identical posts from several accounts in a short window (copy-paste campaign)."""

    fingerprint = models.BigIntegerField(_("text fingerprint"), db_index=True)
    sample_text = models.TextField(_("sample text"))
    first_seen = models.DateTimeField(_("first seen"), db_index=True)
    last_seen = models.DateTimeField(_("last seen"))
    post_count = models.PositiveIntegerField(_("posts"), default=0)
    author_count = models.PositiveIntegerField(_("accounts"), default=0)
    is_coordinated = models.BooleanField(_("coordinated"), default=False, db_index=True)

    class Meta:
        ordering = ["-last_seen"]
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")

    def __str__(self) -> str:
        return self.sample_text[:60]


class Post(models.Model):
    """One post or news item. Narrow on purpose; no updated_at (posts are immutable)."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="posts")
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    external_id = models.CharField(_("platform id"), max_length=200)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    author_handle = models.CharField(_("author"), max_length=200, blank=True, db_index=True)
    author_name = models.CharField(_("author name"), max_length=200, blank=True)
    text = models.TextField(_("text"))
    #: Indexed with published_at (every listing filters on a time window first).
    language = models.CharField(_("language"), max_length=8, blank=True)
    #: -1 (negative) .. +1 (positive)
    sentiment = models.FloatField(_("sentiment"), default=0.0)
    sentiment_label = models.CharField(_("sentiment"), max_length=3, blank=True)  # neg/neu/pos
    country = models.CharField(_("country"), max_length=2, blank=True)
    #: Indexed by the (published_at, language) index below, which serves ranges too.
    published_at = models.DateTimeField(_("published"))
    ingested_at = models.DateTimeField(_("ingested"), auto_now_add=True)
    fingerprint = models.BigIntegerField(_("text fingerprint"), default=0)
    cluster = models.ForeignKey(
        Cluster, on_delete=models.SET_NULL, null=True, blank=True, related_name="posts"
    )
    #: Near-duplicate of an earlier post (kept for counting, hidden from top lists).
    is_near_duplicate = models.BooleanField(default=False)
    #: Followers / reach when the platform says so.
    reach = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["-published_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "external_id"], name="listening_post_platform_id_unique"
            )
        ]
        indexes = [models.Index(fields=["published_at", "language"])]
        verbose_name = _("post")
        verbose_name_plural = _("posts")

    def __str__(self) -> str:
        return f"{self.platform}:{self.external_id}"


class WatchTopic(BaseModel):
    """A watch-list topic (e.g. the ministry, a crisis, an official), in both languages."""

    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    owner_unit = models.ForeignKey(
        "directory.Unit", on_delete=models.PROTECT, related_name="watch_topics"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("watch-list topic")
        verbose_name_plural = _("watch-list topics")

    def __str__(self) -> str:
        return self.name_en


class WatchTerm(BaseModel):
    """A term or phrase of a topic, matched after the shared Arabic/English normalisation."""

    topic = models.ForeignKey(WatchTopic, on_delete=models.CASCADE, related_name="terms")
    text = models.CharField(_("term or phrase"), max_length=200)
    is_high_priority = models.BooleanField(_("high priority"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topic", "text"], name="listening_term_unique")
        ]
        verbose_name = _("watch-list term")
        verbose_name_plural = _("watch-list terms")

    def __str__(self) -> str:
        return self.text


class PostMatch(models.Model):
    """A post matched a watch-list term (one row per post and topic)."""

    # No single-column indexes on post and topic: the unique (post, topic) and the
    # (topic, published_at) indexes lead with them (fewer indexes to keep up on
    # every match the pipeline writes).
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="matches", db_index=False)
    topic = models.ForeignKey(
        WatchTopic, on_delete=models.CASCADE, related_name="matches", db_index=False
    )
    term = models.ForeignKey(WatchTerm, on_delete=models.SET_NULL, null=True, related_name="+")
    published_at = models.DateTimeField(db_index=True)  # copied from the post for range scans

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "topic"], name="listening_match_unique")
        ]
        indexes = [models.Index(fields=["topic", "published_at"])]

    def __str__(self) -> str:
        return f"{self.post_id} ~ {self.topic_id}"


class HourlyRollup(models.Model):
    """Counts per hour and dimension; dashboards and alert baselines read these.

    ``topic_key`` 0 = all posts, otherwise a :class:`WatchTopic` id (a plain integer so
    the unique key has no NULLs on any backend). One row per (hour, topic_key,
    language, sentiment, country); the pipeline upserts them per batch.
    """

    hour = models.DateTimeField(db_index=True)
    topic_key = models.PositiveBigIntegerField(default=0)
    language = models.CharField(max_length=8, blank=True)
    sentiment_label = models.CharField(max_length=3, blank=True)
    country = models.CharField(max_length=2, blank=True)
    posts = models.PositiveIntegerField(default=0)
    sentiment_sum = models.FloatField(default=0.0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["topic_key", "hour", "language", "sentiment_label", "country"],
                name="listening_rollup_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.hour:%Y-%m-%d %H:00} topic={self.topic_key}: {self.posts}"


class SkippedItem(models.Model):
    """An item the pipeline or a connector skipped, with its reason (the last few per
    source are kept; :attr:`Source.items_skipped` counts them all)."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="skipped")
    reason = models.CharField(_("reason"), max_length=40)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    external_id = models.CharField(_("platform id"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("when"), db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("skipped item")
        verbose_name_plural = _("skipped items")

    def __str__(self) -> str:
        return f"{self.reason}: {self.detail[:60]}"


class ScreenedAuthor(models.Model):
    """An author the impersonation radar has screened (so each is screened once)."""

    platform = models.CharField(max_length=20, choices=Platform.choices)
    handle = models.CharField(max_length=200)
    screened_at = models.DateTimeField()
    flagged = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "handle"], name="listening_screened_author_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.platform}:{self.handle}"
