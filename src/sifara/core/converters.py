"""URL converter for database ids: digits only and small enough for a BIGINT,
so an absurd id answers 404 rather than overflowing the database driver."""

from __future__ import annotations


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(int(value))
