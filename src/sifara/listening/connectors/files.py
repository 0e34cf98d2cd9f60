"""File imports: JSONL or CSV in Sifara's schema, and X API v2 JSON responses.

Sifara's schema (one object per line, or one CSV row with these column names)::

    id            required  the platform's id of the post (unique per platform)
    text          required  the post's text
    published_at  required  ISO 8601 with a time zone ("2026-11-20T09:30:00Z")
    platform      optional  rss, bluesky, mastodon, telegram, x or file (default: the
                            source's platform)
    url, author, author_name, language, country (ISO alpha-2), reach (integer)

Unknown fields are ignored. X API v2: a tweet lookup or search response
(``{"data": [...], "includes": {"users": [...]}}``), either one document per
file or one response page per line.

Every item carries a resume position ``"<file key>@<byte offset after it>"``;
:func:`import_file` seeks there when the source's stored position names the
same file, so an interrupted import continues where its last committed batch
ended.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from sifara.listening.connectors.base import parse_time, skipped
from sifara.listening.models import Platform, Source
from sifara.listening.types import RawItem, SkippedRaw

MAX_LINE_BYTES = 1024 * 1024
FORMATS = ("jsonl", "csv", "x")
_PLATFORMS = frozenset(Platform.values)


def file_key(path: Path) -> str:
    return hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]


def resume_offset(source: Source, key: str) -> int:
    prefix = f"{key}@"
    if source.cursor.startswith(prefix):
        try:
            return max(0, int(source.cursor[len(prefix) :]))
        except ValueError:
            return 0
    return 0


def guess_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    with path.open("rb") as handle:
        head = handle.read(4096)
    if b'"data"' in head and (b'"author_id"' in head or b'"includes"' in head):
        return "x"
    return "jsonl"


def _lines(handle: BinaryIO, offset: int) -> Iterator[tuple[bytes | None, int, int]]:
    """(line or None when too long, line number, offset after the line)."""
    handle.seek(offset)
    number = 0
    while True:
        line = handle.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # skip the rest of the huge line
                offset += len(line)
                line = handle.readline(MAX_LINE_BYTES + 1)
            offset += len(line)
            yield None, number, offset
            continue
        offset += len(line)
        yield line, number, offset


def item_from_record(
    record: Any, *, default_platform: str, cursor: str, where: str
) -> RawItem | SkippedRaw:
    """One record in Sifara's schema (a dict from JSON or CSV)."""
    if not isinstance(record, dict):
        return skipped("invalid_record", f"{where}: not an object", cursor=cursor)
    external_id = str(record.get("id") or "").strip()
    text = record.get("text")
    if not external_id:
        return skipped("missing_field", f"{where}: no id", cursor=cursor)
    if not isinstance(text, str) or not text.strip():
        return skipped(
            "missing_field", f"{where}: no text", external_id=external_id[:200], cursor=cursor
        )
    published = parse_time(record.get("published_at"))
    if published is None:
        return skipped(
            "invalid_date",
            f"{where}: published_at missing or not ISO 8601",
            external_id=external_id[:200],
            cursor=cursor,
        )
    platform = str(record.get("platform") or default_platform)
    if platform not in _PLATFORMS:
        return skipped(
            "unknown_platform",
            f"{where}: platform {platform[:40]!r}",
            external_id=external_id[:200],
            cursor=cursor,
        )
    try:
        reach = int(record.get("reach") or 0)
    except (TypeError, ValueError):
        reach = 0
    return RawItem(
        platform=platform,
        external_id=external_id,
        text=text,
        published_at=published,
        url=str(record.get("url") or ""),
        author_handle=str(record.get("author") or ""),
        author_name=str(record.get("author_name") or ""),
        language_hint=str(record.get("language") or ""),
        country=str(record.get("country") or ""),
        reach=reach,
        cursor=cursor,
    )


def read_jsonl(
    handle: BinaryIO, *, key: str, offset: int, default_platform: str
) -> Iterator[RawItem | SkippedRaw]:
    for line, number, after in _lines(handle, offset):
        cursor = f"{key}@{after}"
        where = f"line {number}"
        if line is None:
            yield skipped(
                "too_large", f"{where}: longer than {MAX_LINE_BYTES} bytes", cursor=cursor
            )
            continue
        if not line.strip():
            continue
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError:
            # orjson is strict (no NaN, no integers beyond 64 bits, no lone
            # surrogates): the standard library takes what it can, and words
            # the reason for what it cannot.
            try:
                record = json.loads(line.decode("utf-8"))
            except UnicodeDecodeError:
                yield skipped("bad_encoding", f"{where}: not UTF-8", cursor=cursor)
                continue
            except ValueError as exc:
                yield skipped("invalid_json", f"{where}: {exc}"[:300], cursor=cursor)
                continue
        yield item_from_record(
            record, default_platform=default_platform, cursor=cursor, where=where
        )


def read_csv(
    handle: BinaryIO, *, key: str, offset: int, default_platform: str
) -> Iterator[RawItem | SkippedRaw]:
    handle.seek(0)
    header_line = handle.readline(MAX_LINE_BYTES)
    header_text = header_line.decode("utf-8-sig", "replace")
    columns = next(csv.reader([header_text]), [])
    start = max(offset, len(header_line))
    for line, number, after in _lines(handle, start):
        cursor = f"{key}@{after}"
        where = f"row {number}"
        if line is None:
            yield skipped(
                "too_large", f"{where}: longer than {MAX_LINE_BYTES} bytes", cursor=cursor
            )
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            yield skipped("bad_encoding", f"{where}: not UTF-8", cursor=cursor)
            continue
        if not text.strip():
            continue
        try:
            values = next(csv.reader(io.StringIO(text)))
        except (csv.Error, StopIteration) as exc:
            yield skipped("invalid_csv", f"{where}: {exc}"[:300], cursor=cursor)
            continue
        record = dict(zip(columns, values, strict=False))
        yield item_from_record(
            record, default_platform=default_platform, cursor=cursor, where=where
        )


def items_from_x_response(
    response: Any, *, cursor: str, where: str
) -> Iterator[RawItem | SkippedRaw]:
    """Tweets of an X API v2 tweet lookup/search response (``data`` +
    ``includes.users``; ``tweet.fields=created_at,lang,public_metrics,author_id``)."""
    if not isinstance(response, dict) or not isinstance(response.get("data", []), list):
        yield skipped("invalid_record", f"{where}: not an X API v2 response", cursor=cursor)
        return
    users = {
        str(u.get("id")): u
        for u in (response.get("includes") or {}).get("users", [])
        if isinstance(u, dict)
    }
    tweets = response.get("data") or []
    for position, tweet in enumerate(tweets):
        last = position == len(tweets) - 1
        item_cursor = cursor if last else ""
        if not isinstance(tweet, dict) or not tweet.get("id") or not tweet.get("text"):
            yield skipped("missing_field", f"{where}: tweet without id or text", cursor=item_cursor)
            continue
        published = parse_time(tweet.get("created_at"))
        if published is None:
            yield skipped(
                "invalid_date",
                f"{where}: tweet {tweet['id']} has no created_at",
                external_id=str(tweet["id"])[:200],
                cursor=item_cursor,
            )
            continue
        user = users.get(str(tweet.get("author_id")), {})
        username = str(user.get("username") or "")
        metrics = user.get("public_metrics") or {}
        yield RawItem(
            platform=Platform.X,
            external_id=str(tweet["id"]),
            text=str(tweet["text"]),
            published_at=published,
            url=f"https://x.com/{username or 'i'}/status/{tweet['id']}",
            author_handle=username,
            author_name=str(user.get("name") or ""),
            language_hint=str(tweet.get("lang") or ""),
            reach=int(metrics.get("followers_count") or 0) if isinstance(metrics, dict) else 0,
            cursor=item_cursor,
        )


def read_x(handle: BinaryIO, *, key: str, offset: int) -> Iterator[RawItem | SkippedRaw]:
    handle.seek(0)
    first = handle.readline(MAX_LINE_BYTES)
    try:
        one_per_line = isinstance(json.loads(first), dict)
    except ValueError:
        one_per_line = False
    if one_per_line:
        for line, number, after in _lines(handle, offset):
            cursor = f"{key}@{after}"
            if line is None or not line.strip():
                if line is None:
                    yield skipped("too_large", f"line {number}: too long", cursor=cursor)
                continue
            try:
                page = json.loads(line)
            except ValueError as exc:
                yield skipped("invalid_json", f"line {number}: {exc}"[:300], cursor=cursor)
                continue
            yield from items_from_x_response(page, cursor=cursor, where=f"line {number}")
        return
    if offset:
        return  # the whole document was imported already
    handle.seek(0)
    data = handle.read()
    cursor = f"{key}@{len(data)}"
    try:
        document = json.loads(data)
    except ValueError as exc:
        yield skipped("invalid_json", f"document: {exc}"[:300], cursor=cursor)
        return
    yield from items_from_x_response(document, cursor=cursor, where="document")


def read_file(
    path: Path, *, source: Source, fmt: str | None = None
) -> Iterator[RawItem | SkippedRaw]:
    """The items of ``path`` from the source's stored position onwards."""
    fmt = fmt or guess_format(path)
    key = file_key(path)
    offset = resume_offset(source, key)
    if offset > os.path.getsize(path):
        offset = 0
    default_platform = source.platform if source.platform != Platform.RSS else Platform.FILE
    with path.open("rb") as handle:
        if fmt == "csv":
            yield from read_csv(handle, key=key, offset=offset, default_platform=default_platform)
        elif fmt == "x":
            yield from read_x(handle, key=key, offset=offset)
        else:
            yield from read_jsonl(handle, key=key, offset=offset, default_platform=default_platform)


def decode_loose(data: bytes) -> str:
    return codecs.decode(data, "utf-8", "replace")
