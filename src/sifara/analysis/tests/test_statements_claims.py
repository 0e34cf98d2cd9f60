"""Statement reaction tracker (curves on a constructed timeline) and claims
tracker (automatic linking, ClaimReview JSON-LD)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sifara.analysis import claimreview, matching, selectors, services
from sifara.analysis.models import ClaimPost, LinkMethod, StatementPost
from sifara.analysis.tests.factories import P, add_posts

PUBLISHED = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)


def _statement(actor: Any, **fields: Any) -> Any:
    data = {
        "title": "Statement on the water agreement",
        "text": "The ministry welcomes the signature of the regional water agreement.",
        "published_at": PUBLISHED,
        "channels": "website, X",
        "terms": "water agreement\nاتفاقية المياه",
        "follow_hours": 48,
        **fields,
    }
    statement = services.statement_create(actor=actor, data=services.StatementData(**data))
    services.statement_collect(statement=statement)
    return statement


def test_reaction_curves_time_to_peak_and_sentiment(analyst: Any) -> None:
    at = PUBLISHED
    add_posts(
        [
            P(
                at=at + timedelta(minutes=20),
                text="water agreement signed",
                sentiment=0.5,
                label="pos",
            )
        ]
        + [
            P(
                at=at + timedelta(hours=2, minutes=i),
                text="The WATER agreement is a sell-out",
                sentiment=-0.8,
                label="neg",
                language="en",
                country="GB",
            )
            for i in range(6)
        ]
        + [
            P(
                at=at + timedelta(hours=2, minutes=30 + i),
                text="نرحب باتفاقية المياه الإقليمية",
                sentiment=0.6,
                label="pos",
                language="ar",
                country="EG",
            )
            for i in range(2)
        ]
        + [P(at=at + timedelta(hours=5), text="water agreement explained", sentiment=0.0)]
        # not a reaction: before publication, unrelated, after the follow window
        + [P(at=at - timedelta(minutes=5), text="water agreement rumours")]
        + [P(at=at + timedelta(hours=2), text="football results")]
        + [P(at=at + timedelta(hours=60), text="water agreement anniversary")]
    )
    statement = _statement(analyst)
    reaction = selectors.statement_reaction(statement, now=at + timedelta(hours=10, minutes=5))
    assert reaction.total == 10
    assert reaction.hours == 11  # hours 0..10 so far
    assert reaction.volume[:6] == [1, 0, 8, 0, 0, 1]
    assert reaction.peak_hour == 2
    assert reaction.peak_posts == 8
    assert reaction.negative[2] == 6
    assert reaction.sentiment[0] == 0.5
    assert reaction.sentiment[1] is None
    assert reaction.sentiment[2] == pytest.approx((6 * -0.8 + 2 * 0.6) / 8, abs=0.001)
    assert reaction.first_day == 10
    assert dict(reaction.languages) == {"en": 8, "ar": 2}
    assert dict(reaction.countries)["GB"] == 6
    # the whole follow window once it has passed
    assert selectors.statement_reaction(statement, now=at + timedelta(days=5)).hours == 48


def test_statement_compared_with_earlier_ones(analyst: Any) -> None:
    earlier = _statement(analyst, title="Earlier", published_at=PUBLISHED - timedelta(days=7))
    add_posts([P(at=PUBLISHED + timedelta(hours=1), text="water agreement")] * 3)
    later = _statement(analyst, title="Later")
    rows = selectors.statement_comparison(later, now=PUBLISHED + timedelta(days=3))
    assert [s.title for s, _r in rows] == ["Later", "Earlier"]
    assert rows[0][1].peak_hour == 1
    assert rows[1][1].total == 0
    assert earlier.pk != later.pk


def test_new_posts_of_a_batch_join_a_followed_statement(analyst: Any) -> None:
    statement = _statement(analyst)
    [post] = add_posts([P(at=PUBLISHED + timedelta(hours=3), text="بشأن اتفاقية المياه")])
    services.batch_analyse(post_ids=[post.pk], now=PUBLISHED + timedelta(hours=3))
    assert StatementPost.objects.filter(statement=statement, post=post).exists()


CLAIM = {
    "title": "Embassy building sold",
    "claim_en": "The ministry secretly sold the embassy building in London to a private company.",
    "claim_ar": "باعت الوزارة سرا مبنى السفارة في لندن لشركة خاصة.",
    "rebuttal_en": "The embassy building in London has not been sold; it remains state property.",
    "rebuttal_ar": "لم يُبع مبنى السفارة في لندن، وهو ملك للدولة.",
    "rebuttal_url": "https://mfa.example/rebuttals/embassy-london",
    "first_seen_url": "https://x.example/status/1",
    "first_seen_at": datetime(2026, 11, 17, 8, 0, tzinfo=UTC),
    "rebutted_at": datetime(2026, 11, 18, 12, 0, tzinfo=UTC),
}


def _claim(actor: Any, **fields: Any) -> Any:
    return services.claim_create(actor=actor, data=services.ClaimData(**{**CLAIM, **fields}))


def test_a_paraphrase_is_linked_and_an_unrelated_post_is_not(analyst: Any) -> None:
    at = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
    spreading, arabic, _unrelated, related_topic = add_posts(
        [
            P(at=at, text="BREAKING: ministry SELLS London embassy building to private company!!"),
            P(at=at, text="عاجل: الوزارة باعت مبنى سفارتها في لندن لشركة خاصة", language="ar"),
            P(at=at, text="The London marathon closes roads near the park on Sunday."),
            P(at=at, text="The embassy in London hosts a reception for the national day."),
        ]
    )
    claim = _claim(analyst)
    assert services.claim_link_auto(claim=claim, now=at) == 2
    linked = set(ClaimPost.objects.filter(claim=claim).values_list("post_id", flat=True))
    assert linked == {spreading.pk, arabic.pk}
    assert all(
        link.method == LinkMethod.AUTOMATIC and link.score >= claim.threshold
        for link in ClaimPost.objects.filter(claim=claim)
    )
    # idempotent
    assert services.claim_link_auto(claim=claim, now=at) == 0
    # an analyst links what the matcher missed
    link = services.claim_link_post(actor=analyst, claim=claim, post=related_topic)
    assert link.method == LinkMethod.ANALYST
    spread = selectors.claim_spread(claim)
    assert spread.total == 3
    assert spread.cumulative[-1] == 3


def test_similarity_is_claim_coverage() -> None:
    wordings = matching.prepare([CLAIM["claim_en"]])
    assert matching.claim_similarity(wordings, CLAIM["claim_en"]) == 1.0
    # a short post sharing two words is not the claim
    assert matching.claim_similarity(wordings, "London embassy") == 0.0
    # the claim with comments around it still covers it
    assert (
        matching.claim_similarity(
            wordings,
            "Unbelievable. " + CLAIM["claim_en"] + " Who approved this? #scandal #london",
        )
        == 1.0
    )


def test_claimreview_json_ld_one_per_language(analyst: Any) -> None:
    at = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
    add_posts(
        [
            P(
                at=at,
                text="ministry sold the London embassy building to a private company",
                url="https://x.example/status/2",
            )
        ]
    )
    claim = _claim(analyst)
    services.claim_link_auto(claim=claim, now=at)
    ar, en = claimreview.claim_reviews(claim)
    for doc, language in ((ar, "ar"), (en, "en")):
        assert doc["@context"] == "https://schema.org"
        assert doc["@type"] == "ClaimReview"
        assert doc["inLanguage"] == language
        assert doc["url"] == "https://mfa.example/rebuttals/embassy-london"
        assert doc["datePublished"] == "2026-11-18T12:00:00+00:00"
        assert doc["author"]["@type"] == "Organization"
        rating = doc["reviewRating"]
        assert rating["@type"] == "Rating"
        assert (rating["ratingValue"], rating["bestRating"], rating["worstRating"]) == (1, 5, 1)
        item = doc["itemReviewed"]
        assert item["@type"] == "Claim"
        assert item["firstAppearance"] == {
            "@type": "CreativeWork",
            "url": "https://x.example/status/1",
        }
        assert item["appearance"] == [
            {"@type": "CreativeWork", "url": "https://x.example/status/2"}
        ]
        assert item["datePublished"] == "2026-11-17T08:00:00+00:00"
        json.dumps(doc)  # serialisable
    assert en["claimReviewed"] == CLAIM["claim_en"]
    assert ar["claimReviewed"] == CLAIM["claim_ar"]
    assert en["reviewRating"]["alternateName"] == "False"
    assert ar["reviewRating"]["alternateName"] != "False"  # the Arabic verdict
    assert en["author"]["name"] != ar["author"]["name"]


def test_claimreview_download(analyst: Any, verified_client: Any) -> None:
    claim = _claim(analyst, rating="misleading")
    response = verified_client(analyst).get(f"/listening/claims/{claim.pk}/claimreview-en.jsonld")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    doc = json.loads(response.content)
    assert doc["reviewRating"]["ratingValue"] == 2
    assert doc["reviewRating"]["alternateName"] == "Misleading"
    missing = verified_client(analyst).get(f"/listening/claims/{claim.pk}/claimreview-fr.jsonld")
    assert missing.status_code == 404


def test_claim_needs_both_languages(analyst: Any) -> None:
    from sifara.core.errors import ApplicationError

    with pytest.raises(ApplicationError) as caught:
        _claim(analyst, rebuttal_ar=" ")
    assert "rebuttal_ar" in caught.value.details


def test_the_ingest_pipeline_links_new_posts_through_its_hook(
    analyst: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from sifara.listening import pipeline
    from sifara.listening.models import Platform, Source
    from sifara.listening.types import RawItem

    claim = _claim(analyst)
    source = Source.objects.create(name="hook-test", title="Hook test", platform=Platform.FILE)
    at = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
    items = [
        RawItem(
            platform=Platform.FILE,
            external_id="h1",
            text="Shocking: the ministry sold the embassy building in London to a private company",
            published_at=at,
            author_handle="spreader",
        ),
        RawItem(
            platform=Platform.FILE,
            external_id="h2",
            text="Lovely weather in London today for the marathon.",
            published_at=at,
            author_handle="runner",
        ),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        pipeline.ingest(items, source=source, now=at)
    linked = ClaimPost.objects.filter(claim=claim).values_list("post__author_handle", flat=True)
    assert list(linked) == ["spreader"]
