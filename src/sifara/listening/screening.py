"""Authors seen in posts, screened by the impersonation radar (``sifara.accounts``).

Each (platform, handle) is screened once (:class:`ScreenedAuthor`); the radar's
batch screen keeps this cheap. Candidates at or above the radar's threshold are
stored in the accounts module's review queue with source "listening". News
feeds and file imports without a social platform are not screened.
"""

from __future__ import annotations

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from sifara.listening.models import Platform, Post, ScreenedAuthor

SCREENED_PLATFORMS = frozenset({Platform.BLUESKY, Platform.MASTODON, Platform.TELEGRAM, Platform.X})


def authors_screen(*, post_ids: list[int]) -> dict[str, int]:
    """Screen the new authors of ``post_ids`` (missing posts are ignored)."""
    counts = {"authors": 0, "screened": 0, "flagged": 0}
    if not post_ids or not apps.is_installed("sifara.accounts"):
        return counts
    rows = (
        Post.objects.filter(pk__in=post_ids, platform__in=SCREENED_PLATFORMS)
        .exclude(author_handle="")
        .values_list("platform", "author_handle", "author_name")
        .distinct()
    )
    authors: dict[tuple[str, str], str] = {}
    for platform, handle, name in rows:
        authors.setdefault((platform, handle.lstrip("@").lower()), name)
    counts["authors"] = len(authors)
    if not authors:
        return counts
    done = set(
        ScreenedAuthor.objects.filter(
            platform__in={p for p, _h in authors}, handle__in={h for _p, h in authors}
        ).values_list("platform", "handle")
    )
    fresh = [(key, name) for key, name in authors.items() if key not in done]
    if not fresh:
        return counts
    from sifara.accounts.models import CandidateSource
    from sifara.accounts.radar import CandidateInput
    from sifara.accounts.review_services import candidates_store_screened, registry_index

    inputs = [
        CandidateInput(platform=platform, handle=handle, display_name=name)
        for (platform, handle), name in fresh
    ]
    results = registry_index().screen_batch(inputs)
    flagged = [(inputs[i], result) for i, result in sorted(results.items()) if result.flagged]
    now = timezone.now()
    with transaction.atomic():
        if flagged:
            candidates_store_screened(results=flagged, source=CandidateSource.LISTENING)
        flagged_keys = {(inp.platform, inp.handle) for inp, _r in flagged}
        ScreenedAuthor.objects.bulk_create(
            [
                ScreenedAuthor(
                    platform=platform,
                    handle=handle[:200],
                    screened_at=now,
                    flagged=(platform, handle) in flagged_keys,
                )
                for (platform, handle), _name in fresh
            ],
            ignore_conflicts=True,
        )
    counts["screened"] = len(fresh)
    counts["flagged"] = len(flagged)
    return counts
