"""Telegram public channels through the Bot API: ``getUpdates``.

The ministry's bot (its token in the source's encrypted credentials,
``{"token": "123:ABC"}``) is added as an administrator of the channel; Telegram
then delivers each new post as an Update with a ``channel_post`` Message
(``message_id``, ``date`` in Unix seconds, ``chat`` with ``id``/``username``/
``title``, ``text`` or ``caption``). The stored position is the last
``update_id``; the next poll asks for ``offset = last + 1``, which also
confirms the earlier updates to Telegram. Only updates from the configured
channel (``config.channel``: ``@name`` or the numeric chat id) are kept.

We chose the Bot API over scraping the ``t.me/s/<channel>`` HTML preview: it is a
documented, stable JSON format with a resume position.
"""

from __future__ import annotations

from typing import Any

import httpx

from sifara.listening.connectors.base import ConnectorError, PollResult, get, parse_time, skipped
from sifara.listening.models import Platform, Source
from sifara.listening.types import RawItem, SkippedRaw

API = "https://api.telegram.org"


def _matches(chat: dict[str, Any], wanted: str) -> bool:
    wanted = wanted.strip()
    if wanted.startswith("@"):
        return str(chat.get("username", "")).lower() == wanted[1:].lower()
    return str(chat.get("id", "")) == wanted


def update_item(update: Any, *, channel: str) -> RawItem | SkippedRaw | None:
    """The post of one Update, ``None`` when it is not a post of the channel."""
    if not isinstance(update, dict):
        return skipped("invalid_record", "an update that is not an object")
    message = update.get("channel_post")
    if not isinstance(message, dict):
        return None
    chat = message.get("chat") or {}
    if not _matches(chat, channel):
        return None
    username = str(chat.get("username", ""))
    message_id = message.get("message_id")
    external_id = f"{chat.get('id')}/{message_id}"
    text = str(message.get("text") or message.get("caption") or "")
    published = parse_time(message.get("date"))
    if published is None or message_id is None:
        return skipped("missing_field", "channel post without date or id", external_id=external_id)
    if not text.strip():
        return skipped("empty_text", "channel post without text", external_id=external_id)
    return RawItem(
        platform=Platform.TELEGRAM,
        external_id=external_id,
        text=text,
        published_at=published,
        url=f"https://t.me/{username}/{message_id}" if username else "",
        author_handle=username,
        author_name=str(chat.get("title", "")),
    )


class TelegramConnector:
    def poll(
        self, source: Source, *, client: httpx.Client, credentials: dict[str, str]
    ) -> PollResult:
        token = credentials.get("token", "")
        if not token:
            raise ConnectorError("no bot token in the source's credentials")
        params: dict[str, str | int] = {
            "timeout": 0,
            "limit": 100,
            "allowed_updates": '["channel_post"]',
        }
        if source.cursor:
            params["offset"] = int(source.cursor) + 1
        base = str(source.config.get("api", API)).rstrip("/")
        response = get(client, f"{base}/bot{token}/getUpdates", params=params)
        if response.status_code >= 400:
            raise ConnectorError(f"HTTP {response.status_code} from the Bot API")
        try:
            body = response.json()
        except ValueError as exc:
            raise ConnectorError("the Bot API answered with invalid JSON") from exc
        if not isinstance(body, dict) or not body.get("ok"):
            raise ConnectorError(f"the Bot API refused: {str(body.get('description', ''))[:200]}")
        channel = str(source.config["channel"])
        items: list[RawItem | SkippedRaw] = []
        last = ""
        for update in body.get("result") or []:
            item = update_item(update, channel=channel)
            if isinstance(update, dict) and update.get("update_id") is not None:
                last = str(update["update_id"])
            if item is not None:
                items.append(item)
        if last and items:
            items[-1].cursor = last
        return PollResult(items=items, cursor=last or None)
