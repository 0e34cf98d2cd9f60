"""A claim's rebuttal as schema.org ClaimReview JSON-LD, one document per language.

https://schema.org/ClaimReview — ``claimReviewed`` (the claim, in that
language), ``reviewRating`` (a ``Rating`` whose ``alternateName`` is the
verdict in words: search engines show it), ``author`` (the ministry, an
``Organization``), ``datePublished``, ``itemReviewed`` (the ``Claim`` with its
``appearance`` and ``firstAppearance``), ``url`` (the rebuttal page),
``inLanguage`` and ``reviewBody`` (the rebuttal).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from sifara.analysis.models import Claim, ClaimPost, ClaimRating

#: rating -> (ratingValue, on a scale worst 1 .. best 5)
RATING_VALUES = {
    ClaimRating.FALSE: 1,
    ClaimRating.MISLEADING: 2,
    ClaimRating.MISSING_CONTEXT: 3,
}
#: The verdict in words (``alternateName``), fixed per language: the published
#: document must not depend on the interface's translation catalogue.
VERDICTS = {
    ClaimRating.FALSE: {"en": "False", "ar": "كاذب"},
    ClaimRating.MISLEADING: {"en": "Misleading", "ar": "مضلِّل"},
    ClaimRating.MISSING_CONTEXT: {"en": "Missing context", "ar": "يفتقر إلى السياق"},
}
LANGUAGES = ("ar", "en")
MAX_APPEARANCES = 20


def _iso(value: Any) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def claim_review(claim: Claim, *, language: str) -> dict[str, Any]:
    """The ClaimReview of ``claim`` in ``language`` ("ar" or "en")."""
    if language not in LANGUAGES:
        raise ValueError(language)
    verdict = VERDICTS[ClaimRating(claim.rating)][language]
    ministry = (
        settings.SIFARA_MINISTRY_NAME_AR if language == "ar" else settings.SIFARA_MINISTRY_NAME_EN
    )
    links = list(
        ClaimPost.objects.filter(claim=claim)
        .exclude(post__url="")
        .order_by("published_at", "pk")
        .values_list("post__url", "published_at")[:MAX_APPEARANCES]
    )
    appearances = [{"@type": "CreativeWork", "url": url} for url, _at in links]
    first_url = claim.first_seen_url or (links[0][0] if links else "")
    first_at = claim.first_seen_at or (links[0][1] if links else None)
    item: dict[str, Any] = {"@type": "Claim"}
    if first_at:
        item["datePublished"] = _iso(first_at)
    if appearances:
        item["appearance"] = appearances
    if first_url:
        item["firstAppearance"] = {"@type": "CreativeWork", "url": first_url}
    author: dict[str, Any] = {"@type": "Organization", "name": ministry}
    site = getattr(settings, "SIFARA_SITE_URL", "")
    if site:
        author["url"] = site
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "inLanguage": language,
        "claimReviewed": claim.claim_ar if language == "ar" else claim.claim_en,
        "reviewBody": claim.rebuttal_ar if language == "ar" else claim.rebuttal_en,
        "author": author,
        "datePublished": _iso(claim.rebutted_at or claim.created_at),
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": RATING_VALUES[ClaimRating(claim.rating)],
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": verdict,
        },
        "itemReviewed": item,
    }
    if claim.rebuttal_url:
        review["url"] = claim.rebuttal_url
    return review


def claim_reviews(claim: Claim) -> list[dict[str, Any]]:
    """One ClaimReview per language, Arabic first."""
    return [claim_review(claim, language=language) for language in LANGUAGES]
