"""Mastodon hashtag timelines: ``GET /api/v1/timelines/tag/:hashtag``.

Returns Status entities (``id``, ``created_at``, ``content`` as HTML, ``url``,
``language``, ``account`` with ``acct``/``display_name``/``followers_count``),
newest first. The connector asks for statuses newer than the stored position
(``since_id``) and stores the newest id it saw as the new position. An access
token (credentials ``{"token": ...}``) is sent when configured; public
timelines need none. Reblogs are skipped (the original status carries the text).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from sifara.listening.connectors.base import (
    ConnectorError,
    PollResult,
    get,
    html_to_text,
    parse_time,
    skipped,
)
from sifara.listening.models import Platform, Source
from sifara.listening.types import RawItem, SkippedRaw

PAGE = 40


def _id_key(value: str) -> tuple[int, str]:
    return (len(value), value)  # Mastodon ids are numeric strings


def status_item(status: Any, *, instance_host: str) -> RawItem | SkippedRaw:
    if not isinstance(status, dict) or not status.get("id"):
        return skipped("invalid_record", "a status without an id")
    account = status.get("account") or {}
    acct = str(account.get("acct", ""))
    if acct and "@" not in acct:
        acct = f"{acct}@{instance_host}"
    published = parse_time(status.get("created_at"))
    text = html_to_text(str(status.get("content") or ""))
    if status.get("spoiler_text"):
        text = f"{status['spoiler_text']}\n{text}".strip()
    uri = str(status.get("uri") or status.get("url") or status["id"])
    if published is None:
        return skipped("invalid_date", "status without created_at", external_id=uri[:200])
    if not text:
        return skipped("empty_text", "status without text (media only)", external_id=uri[:200])
    return RawItem(
        platform=Platform.MASTODON,
        external_id=uri,
        text=text,
        published_at=published,
        url=str(status.get("url") or ""),
        author_handle=acct,
        author_name=str(account.get("display_name", "")),
        language_hint=str(status.get("language") or ""),
        reach=int(account.get("followers_count") or 0),
    )


class MastodonConnector:
    def poll(
        self, source: Source, *, client: httpx.Client, credentials: dict[str, str]
    ) -> PollResult:
        instance = str(source.config["instance"]).rstrip("/")
        hashtag = str(source.config["hashtag"]).lstrip("#")
        params: dict[str, str | int] = {"limit": PAGE}
        if source.cursor:
            params["since_id"] = source.cursor
        headers = {"Accept": "application/json"}
        if credentials.get("token"):
            headers["Authorization"] = f"Bearer {credentials['token']}"
        url = f"{instance}/api/v1/timelines/tag/{quote(hashtag)}"
        response = get(client, url, params=params, headers=headers)
        if response.status_code >= 400:
            raise ConnectorError(f"HTTP {response.status_code} from {instance}")
        try:
            statuses = response.json()
        except ValueError as exc:
            raise ConnectorError("the instance answered with invalid JSON") from exc
        if not isinstance(statuses, list):
            raise ConnectorError("the instance did not answer with a list of statuses")
        host = httpx.URL(instance).host
        items: list[RawItem | SkippedRaw] = []
        newest = source.cursor
        for status in reversed(statuses):  # oldest first
            if isinstance(status, dict) and status.get("reblog"):
                continue
            items.append(status_item(status, instance_host=host))
            status_id = str(status.get("id", "")) if isinstance(status, dict) else ""
            if status_id and (not newest or _id_key(status_id) > _id_key(newest)):
                newest = status_id
        if items and newest:
            items[-1].cursor = newest
        return PollResult(items=items, cursor=newest or None)
