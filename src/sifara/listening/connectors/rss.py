"""RSS 2.0 and Atom news feeds, parsed with feedparser.

Polled with conditional requests: the stored ``ETag`` and ``Last-Modified``
are sent back (``If-None-Match`` / ``If-Modified-Since``) and a ``304 Not
Modified`` costs nothing. Entries are identified by their ``guid``/``id``
(else their link). A feed feedparser cannot read at all (no entries and a
parse error) fails the poll with the reason; an entry without text or date is
skipped with its reason and the rest of the feed is kept.
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from typing import Any

import feedparser  # type: ignore[import-untyped]
import httpx

from sifara.listening.connectors.base import (
    ConnectorError,
    PollResult,
    get,
    html_to_text,
    skipped,
)
from sifara.listening.models import Platform, Source
from sifara.listening.types import RawItem, SkippedRaw


def _when(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed"):
        value = entry.get(key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    return None


def parse_feed(content: bytes, *, source: Source) -> list[RawItem | SkippedRaw]:
    """The items of one RSS/Atom document (raises :class:`ConnectorError` if unreadable)."""
    feed = feedparser.parse(content)
    if feed.bozo and not feed.entries:
        reason = type(feed.get("bozo_exception")).__name__
        raise ConnectorError(f"malformed feed: {reason}")
    language = str(feed.feed.get("language", "") or "")[:2]
    items: list[RawItem | SkippedRaw] = []
    for entry in feed.entries:
        external_id = str(entry.get("id") or entry.get("link") or "").strip()
        title = html_to_text(str(entry.get("title", "")))
        summary = html_to_text(str(entry.get("summary", "")))
        text = f"{title}\n{summary}".strip() if summary and summary != title else title
        published = _when(entry)
        if not external_id:
            items.append(skipped("missing_field", f"entry {title[:60]!r} has no id or link"))
            continue
        if not text:
            items.append(
                skipped(
                    "missing_field", "entry without title or summary", external_id=external_id[:200]
                )
            )
            continue
        if published is None:
            items.append(
                skipped("invalid_date", "entry without a date", external_id=external_id[:200])
            )
            continue
        items.append(
            RawItem(
                platform=Platform.RSS,
                external_id=external_id,
                text=text,
                published_at=published,
                url=str(entry.get("link", "")),
                author_handle=str(entry.get("author", ""))[:200],
                author_name=str(feed.feed.get("title", ""))[:200],
                language_hint=language,
                country=str(source.config.get("country", "")),
            )
        )
    return items


class RssConnector:
    def poll(
        self, source: Source, *, client: httpx.Client, credentials: dict[str, str]
    ) -> PollResult:
        headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9"}
        if source.etag:
            headers["If-None-Match"] = source.etag
        if source.last_modified:
            headers["If-Modified-Since"] = source.last_modified
        response = get(client, str(source.config["url"]), headers=headers)
        if response.status_code == 304:
            return PollResult(not_modified=True)
        if response.status_code >= 400:
            raise ConnectorError(f"HTTP {response.status_code} from the feed")
        return PollResult(
            items=parse_feed(response.content, source=source),
            etag=response.headers.get("ETag", ""),
            last_modified=response.headers.get("Last-Modified", ""),
        )
