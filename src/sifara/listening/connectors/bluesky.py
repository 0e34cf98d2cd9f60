"""Bluesky's public Jetstream firehose (JSON over a WebSocket).

``wss://<jetstream>/subscribe?wantedCollections=app.bsky.feed.post&cursor=<time_us>``
streams events such as::

    {"did": "did:plc:…", "time_us": 1725911162329308, "kind": "commit",
     "commit": {"rev": "…", "operation": "create", "collection": "app.bsky.feed.post",
                "rkey": "3l3qo2vutsw2b", "cid": "bafyrei…",
                "record": {"$type": "app.bsky.feed.post", "text": "…",
                           "createdAt": "2024-09-09T19:46:02.102Z", "langs": ["en"]}}}

Posts are commits creating ``app.bsky.feed.post`` records; their id is the
record's AT URI. ``time_us`` is the resume position: after a restart the
connector reconnects with ``cursor`` set a few seconds before the stored one
(Jetstream's advice) and the unique key drops what it re-reads. Optional
filters (``config.languages``, ``config.keywords``) keep the stream to what
the ministry watches. Jetstream gives DIDs, not handles: the author is the DID.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from sifara.core.text import normalize
from sifara.listening.connectors.base import parse_time, skipped
from sifara.listening.models import Platform, Source
from sifara.listening.types import RawItem, SkippedRaw

log = logging.getLogger(__name__)
DEFAULT_ENDPOINT = "wss://jetstream2.us-east.bsky.network/subscribe"
COLLECTION = "app.bsky.feed.post"
REWIND_US = 5_000_000
MAX_MESSAGE_BYTES = 1_000_000


def stream_url(source: Source) -> str:
    endpoint = str(source.config.get("endpoint") or DEFAULT_ENDPOINT)
    params: dict[str, str] = {"wantedCollections": COLLECTION}
    if source.cursor.isdigit():
        params["cursor"] = str(max(0, int(source.cursor) - REWIND_US))
    return f"{endpoint}?{urlencode(params)}"


class EventFilter:
    def __init__(self, source: Source) -> None:
        self.languages = {str(x).lower() for x in source.config.get("languages") or []}
        self.keywords = [normalize(str(x)) for x in source.config.get("keywords") or []]

    def keep(self, item: RawItem) -> bool:
        if self.languages and item.language_hint and item.language_hint not in self.languages:
            return False
        if self.keywords:
            text = normalize(item.text)
            return any(keyword in text for keyword in self.keywords)
        return True


def event_item(raw: str | bytes) -> RawItem | SkippedRaw | None:
    """The post in one Jetstream message; ``None`` for other events."""
    try:
        event = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        return skipped("invalid_json", f"jetstream message: {exc}"[:300])
    if not isinstance(event, dict):
        return skipped("invalid_record", "jetstream message is not an object")
    time_us = event.get("time_us")
    cursor = str(time_us) if isinstance(time_us, int) else ""
    if event.get("kind") != "commit":
        return None
    commit = event.get("commit") or {}
    if commit.get("operation") != "create" or commit.get("collection") != COLLECTION:
        return None
    did = str(event.get("did") or "")
    rkey = str(commit.get("rkey") or "")
    record = commit.get("record") or {}
    external_id = f"at://{did}/{COLLECTION}/{rkey}"
    if not did or not rkey or not isinstance(record, dict):
        return skipped("missing_field", "commit without did, rkey or record", cursor=cursor)
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        return skipped("empty_text", "post without text", external_id=external_id, cursor=cursor)
    published = parse_time(record.get("createdAt"))
    if published is None and isinstance(time_us, int):
        published = parse_time(time_us / 1_000_000)
    if published is None:
        return skipped(
            "invalid_date", "post without createdAt", external_id=external_id, cursor=cursor
        )
    langs = record.get("langs") or []
    return RawItem(
        platform=Platform.BLUESKY,
        external_id=external_id,
        text=text,
        published_at=published,
        url=f"https://bsky.app/profile/{did}/post/{rkey}",
        author_handle=did,
        language_hint=str(langs[0])[:8].lower() if isinstance(langs, list) and langs else "",
        cursor=cursor,
    )


async def stream(
    source: Source,
    *,
    store: Callable[[list[RawItem | SkippedRaw]], Any],
    stop: asyncio.Event,
    batch_size: int = 500,
    flush_s: float = 2.0,
    max_messages: int | None = None,
) -> int:
    """Read the firehose until ``stop`` is set (or ``max_messages``), handing
    batches to ``store`` (run in a worker thread). Returns messages read."""
    import websockets

    keep = EventFilter(source)
    batch: list[RawItem | SkippedRaw] = []
    last_cursor = ""
    read = 0
    loop = asyncio.get_running_loop()
    deadline = loop.time() + flush_s

    async def flush() -> None:
        nonlocal batch, deadline
        if batch:
            pending, batch = batch, []
            if last_cursor and not pending[-1].cursor:
                pending[-1].cursor = last_cursor
            await asyncio.to_thread(store, pending)
        deadline = loop.time() + flush_s

    async with websockets.connect(stream_url(source), max_size=MAX_MESSAGE_BYTES) as socket:
        while not stop.is_set():
            try:
                message = await asyncio.wait_for(
                    socket.recv(), timeout=max(0.05, deadline - loop.time())
                )
            except TimeoutError:
                await flush()
                continue
            except websockets.ConnectionClosed:
                break
            read += 1
            item = event_item(message)
            if item is not None and (isinstance(item, SkippedRaw) or keep.keep(item)):
                batch.append(item)
            elif item is None:
                try:
                    time_us = json.loads(message).get("time_us")
                except (ValueError, AttributeError):
                    time_us = None
                if isinstance(time_us, int):
                    last_cursor = str(time_us)
            if item is not None and item.cursor:
                last_cursor = item.cursor
            if len(batch) >= batch_size or loop.time() >= deadline:
                await flush()
            if max_messages is not None and read >= max_messages:
                break
    await flush()
    return read
