"""Factories of the listening module's tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import factory

from sifara.listening.models import Platform, Source
from sifara.listening.types import RawItem


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    name = factory.Sequence(lambda n: f"source-{n}")
    title = factory.Sequence(lambda n: f"Source {n}")
    platform = Platform.FILE
    config: dict[str, Any] = {}


def raw(
    external_id: str,
    text: str,
    *,
    platform: str = Platform.FILE,
    author: str = "someone",
    at: datetime | None = None,
    **fields: Any,
) -> RawItem:
    """A RawItem with sensible defaults."""
    return RawItem(
        platform=platform,
        external_id=external_id,
        text=text,
        published_at=at or datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
        author_handle=author,
        **fields,
    )
