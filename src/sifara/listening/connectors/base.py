"""The one interface every polling connector implements, and shared helpers."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

import httpx

from sifara.listening.models import Source
from sifara.listening.types import RawItem, SkippedRaw

USER_AGENT = "Sifara-Listening/1.0 (+https://example.invalid/sifara)"
TIMEOUT = httpx.Timeout(20.0, connect=10.0)
MAX_REDIRECTS = 5
MAX_RESPONSE_BYTES = 20 * 1024 * 1024
_TAGS = re.compile(r"<[^>]+>")
_BREAKS = re.compile(r"<\s*(br|/p|/div|/li)\s*/?>", re.IGNORECASE)


class ConnectorError(Exception):
    """A poll failed (network, HTTP status, unusable response); the runner backs off."""


@dataclass
class PollResult:
    """What one poll produced and where the source stands afterwards."""

    items: list[RawItem | SkippedRaw] = field(default_factory=list)
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    #: the position after this poll, saved even when no item was kept
    cursor: str | None = None


class PollConnector(Protocol):
    """A connector polled on a schedule (RSS, Mastodon, Telegram)."""

    def poll(
        self, source: Source, *, client: httpx.Client, credentials: dict[str, str]
    ) -> PollResult: ...


def make_client(transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """An HTTP client with bounded time-outs and redirects (loops fail fast)."""
    return httpx.Client(
        timeout=TIMEOUT,
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        headers={"User-Agent": USER_AGENT},
        transport=transport,
    )


def get(client: httpx.Client, url: str, **kwargs: object) -> httpx.Response:
    """GET with errors turned into :class:`ConnectorError` (reason in the message)."""
    try:
        response = client.get(url, **kwargs)  # type: ignore[arg-type]
    except httpx.TooManyRedirects as exc:
        raise ConnectorError(f"too many redirects ({MAX_REDIRECTS}) from {url}") from exc
    except httpx.TimeoutException as exc:
        raise ConnectorError(f"timed out: {url}") from exc
    except httpx.HTTPError as exc:
        raise ConnectorError(f"{type(exc).__name__}: {url}") from exc
    if len(response.content) > MAX_RESPONSE_BYTES:
        raise ConnectorError(f"response larger than {MAX_RESPONSE_BYTES} bytes: {url}")
    return response


def html_to_text(value: str) -> str:
    """Plain text of a small HTML fragment (Mastodon content, feed summaries)."""
    value = _BREAKS.sub("\n", value)
    return html.unescape(_TAGS.sub("", value)).strip()


def parse_time(value: object) -> datetime | None:
    """ISO 8601 (``Z`` allowed) or Unix seconds, as an aware UTC datetime."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(float(value), tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def skipped(reason: str, detail: str, *, external_id: str = "", cursor: str = "") -> SkippedRaw:
    return SkippedRaw(reason=reason, detail=detail[:300], external_id=external_id, cursor=cursor)
