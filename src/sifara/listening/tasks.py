"""Background work of the listening module (thin Huey tasks calling services)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from sifara.listening import screening


@db_task(retries=2, retry_delay=60)
def screen_new_authors(post_ids: list[int]) -> dict[str, int]:
    """Screen the not-yet-screened authors of these posts with the impersonation
    radar; candidates above its threshold go to the accounts review queue."""
    return screening.authors_screen(post_ids=post_ids)
