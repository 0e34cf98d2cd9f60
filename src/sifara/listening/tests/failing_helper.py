"""An initialiser for the analysis helper that fails, as a helper that cannot
start would (no Django imports: it runs in the freshly spawned process)."""

from __future__ import annotations


def cannot_start(*args: object) -> None:
    raise RuntimeError("the helper cannot start (test)")
