"""Writes of the listening module: sources, their health, and watch-lists.

``actor`` is the person acting (checked against ``core.policy``) or ``None``
for the system (connector processes, the CLI, the demo).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from sifara import audit
from sifara.core import crypto, policy
from sifara.core.errors import ApplicationError
from sifara.core.text import normalize
from sifara.directory.models import Unit, User
from sifara.listening.models import Platform, Source, WatchTerm, WatchTopic

#: Back-off after consecutive failures: 1, 2, 4 … minutes, at most 6 hours.
BACKOFF_BASE_S = 60
BACKOFF_MAX_S = 6 * 3600
#: A source failing this many times in a row is flagged on the sources page.
FLAG_AFTER_FAILURES = 5
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,79}$")

#: Configuration keys each platform needs (documented in docs/listening.md).
REQUIRED_CONFIG: dict[str, tuple[str, ...]] = {
    Platform.RSS: ("url",),
    Platform.BLUESKY: (),
    Platform.MASTODON: ("instance", "hashtag"),
    Platform.TELEGRAM: ("channel",),
    Platform.X: (),
    Platform.FILE: (),
}


def _require(actor: User | None, capability: str) -> None:
    if actor is not None:
        policy.require(actor, capability)


def _credentials_context(name: str) -> bytes:
    return f"listening:source:{name}:credentials".encode()


def _check_config(platform: str, config: dict[str, Any]) -> dict[str, Any]:
    if platform not in Platform.values:
        raise ApplicationError(_("Unknown platform."), details={"platform": [_("Unknown.")]})
    missing = [key for key in REQUIRED_CONFIG[platform] if not str(config.get(key, "")).strip()]
    if missing:
        message = _("This platform needs: %(keys)s.") % {"keys": ", ".join(missing)}
        raise ApplicationError(message, details={"config": [message]})
    url = str(config.get("url", "") or config.get("instance", ""))
    if url and not url.startswith(("https://", "http://")):
        message = _("Addresses must start with https:// or http://.")
        raise ApplicationError(message, details={"config": [message]})
    return {str(k): v for k, v in config.items()}


@transaction.atomic
def source_create(
    *,
    actor: User | None,
    name: str,
    title: str,
    platform: str,
    config: dict[str, Any] | None = None,
    credentials: dict[str, str] | None = None,
    is_active: bool = True,
    poll_interval_s: int = 300,
    request: Any = None,
) -> Source:
    """Configure a new source; credentials (tokens) are stored encrypted."""
    _require(actor, "listening.manage_sources")
    name = name.strip().lower()
    if not _NAME.match(name):
        message = _("Use 2-80 lower-case letters, digits and hyphens.")
        raise ApplicationError(message, details={"name": [message]})
    if not title.strip():
        raise ApplicationError(_("A title is required."), details={"title": [_("Required.")]})
    if poll_interval_s < 30:
        message = _("Poll at most every 30 seconds.")
        raise ApplicationError(message, details={"poll_interval_s": [message]})
    checked = _check_config(platform, config or {})
    if Source.objects.filter(name=name).exists():
        message = _("A source with this name already exists.")
        raise ApplicationError(message, details={"name": [message]})
    source = Source(
        name=name,
        title=title.strip()[:200],
        platform=platform,
        config=checked,
        is_active=is_active,
        poll_interval_s=poll_interval_s,
    )
    if credentials:
        key = crypto.new_data_key(purpose="listening.source")
        source.credentials_key = key
        source.credentials = crypto.encrypt(
            json.dumps(credentials).encode(), key=key, context=_credentials_context(name)
        )
    try:
        with transaction.atomic():
            source.save()
    except IntegrityError as exc:
        message = _("A source with this name already exists.")
        raise ApplicationError(message, details={"name": [message]}) from exc
    audit.record(
        actor=actor,
        action="listening.source_create",
        target=source,
        details={"platform": platform, "credentials": bool(credentials)},
        request=request,
    )
    return source


@transaction.atomic
def source_update(
    *,
    actor: User | None,
    source: Source,
    title: str | None = None,
    config: dict[str, Any] | None = None,
    credentials: dict[str, str] | None = None,
    is_active: bool | None = None,
    poll_interval_s: int | None = None,
    request: Any = None,
) -> Source:
    """Change a source's settings; re-activating one clears its back-off."""
    _require(actor, "listening.manage_sources")
    fields = ["updated_at"]
    if title is not None:
        if not title.strip():
            raise ApplicationError(_("A title is required."), details={"title": [_("Required.")]})
        source.title = title.strip()[:200]
        fields.append("title")
    if config is not None:
        source.config = _check_config(source.platform, config)
        fields.append("config")
    if poll_interval_s is not None:
        if poll_interval_s < 30:
            message = _("Poll at most every 30 seconds.")
            raise ApplicationError(message, details={"poll_interval_s": [message]})
        source.poll_interval_s = poll_interval_s
        fields.append("poll_interval_s")
    if credentials:
        key = source.credentials_key or crypto.new_data_key(purpose="listening.source")
        source.credentials_key = key
        source.credentials = crypto.encrypt(
            json.dumps(credentials).encode(), key=key, context=_credentials_context(source.name)
        )
        fields += ["credentials", "credentials_key"]
    if is_active is not None:
        if is_active and not source.is_active:
            source.consecutive_failures = 0
            source.next_attempt_at = None
            fields += ["consecutive_failures", "next_attempt_at"]
        source.is_active = is_active
        fields.append("is_active")
    source.save(update_fields=fields)
    audit.record(
        actor=actor,
        action="listening.source_update",
        target=source,
        details={"changed": sorted(set(fields) - {"updated_at"})},
        request=request,
    )
    return source


def source_credentials(*, source: Source) -> dict[str, str]:
    """The decrypted credentials of a source (for its connector only; never shown)."""
    if source.credentials is None or source.credentials_key is None:
        return {}
    data = crypto.decrypt(
        bytes(source.credentials),
        key=source.credentials_key,
        context=_credentials_context(source.name),
    )
    loaded = json.loads(data)
    return {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}


def source_record_success(
    *,
    source: Source,
    now: datetime,
    etag: str | None = None,
    last_modified: str | None = None,
    cursor: str | None = None,
) -> None:
    """A poll or stream session went well: clear failures, schedule the next poll."""
    source.consecutive_failures = 0
    source.last_success_at = now
    source.next_attempt_at = now + timedelta(seconds=source.poll_interval_s)
    fields = ["consecutive_failures", "last_success_at", "next_attempt_at", "updated_at"]
    if etag is not None:
        source.etag = etag[:500]
        fields.append("etag")
    if last_modified is not None:
        source.last_modified = last_modified[:100]
        fields.append("last_modified")
    if cursor is not None:
        source.cursor = cursor[:500]
        fields.append("cursor")
    source.save(update_fields=fields)


def backoff_seconds(failures: int) -> int:
    return int(min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2 ** max(0, failures - 1)))


def source_record_failure(*, source: Source, now: datetime, error: str) -> None:
    """A poll failed: remember why and back off exponentially (never hammer)."""
    Source.objects.filter(pk=source.pk).update(consecutive_failures=F("consecutive_failures") + 1)
    source.refresh_from_db(fields=["consecutive_failures"])
    source.last_error = error[:500]
    source.last_error_at = now
    source.next_attempt_at = now + timedelta(seconds=backoff_seconds(source.consecutive_failures))
    source.save(update_fields=["last_error", "last_error_at", "next_attempt_at", "updated_at"])


# --- watch-lists ---------------------------------------------------------------------


@transaction.atomic
def watch_topic_create(
    *,
    actor: User | None,
    name_en: str,
    name_ar: str,
    owner_unit: Unit,
    terms: list[str] | None = None,
    request: Any = None,
) -> WatchTopic:
    """A watch-list topic with its first terms (Arabic and English)."""
    _require(actor, "listening.manage_watchlists")
    if not name_en.strip() or not name_ar.strip():
        message = _("Give the topic a name in Arabic and in English.")
        raise ApplicationError(message, details={"name_en": [message]})
    topic = WatchTopic.objects.create(
        name_en=name_en.strip()[:200], name_ar=name_ar.strip()[:200], owner_unit=owner_unit
    )
    for text in terms or []:
        watch_term_add(actor=actor, topic=topic, text=text)
    audit.record(
        actor=actor,
        action="listening.watch_topic_create",
        target=topic,
        details={"terms": len(terms or [])},
        request=request,
    )
    return topic


@transaction.atomic
def watch_topic_update(
    *,
    actor: User | None,
    topic: WatchTopic,
    name_en: str,
    name_ar: str,
    owner_unit: Unit,
    request: Any = None,
) -> WatchTopic:
    """Rename a topic or move it to another owning unit."""
    _require(actor, "listening.manage_watchlists")
    if not name_en.strip() or not name_ar.strip():
        message = _("Give the topic a name in Arabic and in English.")
        raise ApplicationError(message, details={"name_en": [message]})
    changed = []
    for field, value in (
        ("name_en", name_en.strip()[:200]),
        ("name_ar", name_ar.strip()[:200]),
        ("owner_unit_id", owner_unit.pk),
    ):
        if getattr(topic, field) != value:
            setattr(topic, field, value)
            changed.append(field)
    if changed:
        topic.save(update_fields=[*changed, "updated_at"])
        audit.record(
            actor=actor,
            action="listening.watch_topic_update",
            target=topic,
            details={"changed": sorted(changed)},
            request=request,
        )
    return topic


def watch_term_add(
    *,
    actor: User | None,
    topic: WatchTopic,
    text: str,
    is_high_priority: bool = False,
    request: Any = None,
) -> WatchTerm:
    """Add a term or phrase to a topic (adding one it already has returns it)."""
    _require(actor, "listening.manage_watchlists")
    cleaned = " ".join(text.split())[:200]
    if not any(ch.isalnum() for ch in normalize(cleaned)):
        message = _("A term needs at least one letter or digit.")
        raise ApplicationError(message, details={"text": [message]})
    term, created = WatchTerm.objects.get_or_create(
        topic=topic, text=cleaned, defaults={"is_high_priority": is_high_priority}
    )
    if not created and is_high_priority and not term.is_high_priority:
        term.is_high_priority = True
        term.save(update_fields=["is_high_priority", "updated_at"])
    if created and actor is not None:
        audit.record(
            actor=actor,
            action="listening.watch_term_add",
            target=topic,
            details={"term_id": term.pk, "high_priority": term.is_high_priority},
            request=request,
        )
    return term


def watch_term_remove(*, actor: User | None, term: WatchTerm, request: Any = None) -> None:
    _require(actor, "listening.manage_watchlists")
    topic, term_id = term.topic, term.pk
    term.delete()
    audit.record(
        actor=actor,
        action="listening.watch_term_remove",
        target=topic,
        details={"term_id": term_id},
        request=request,
    )


def watch_topic_set_active(
    *, actor: User | None, topic: WatchTopic, is_active: bool, request: Any = None
) -> None:
    _require(actor, "listening.manage_watchlists")
    topic.is_active = is_active
    topic.save(update_fields=["is_active", "updated_at"])
    audit.record(
        actor=actor,
        action="listening.watch_topic_activate"
        if is_active
        else "listening.watch_topic_deactivate",
        target=topic,
        details={},
        request=request,
    )
