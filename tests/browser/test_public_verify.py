"""The public verification page in a real browser: an anonymous visitor checks a
link in Arabic (RTL) and an unknown handle in English (LTR)."""

from __future__ import annotations

from datetime import date

import pytest

from sifara.accounts.models import (
    AccountStatus,
    Candidate,
    CandidateSource,
    CandidateStatus,
    OfficialAccount,
    Platform,
    TakedownCase,
)
from sifara.accounts.platforms import upsert_platforms
from sifara.directory.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _registry() -> None:
    upsert_platforms(Platform)  # transactional tests flush the data migration's rows
    hq = Unit.objects.create(
        kind="hq_department",
        code="hq-media",
        name_en="Media and Public Diplomacy",
        name_ar="إدارة الإعلام والدبلوماسية العامة",
    )
    official = OfficialAccount.objects.create(
        unit=hq,
        platform=Platform.objects.get(code="x"),
        handle="mofa_demo",
        handle_display="MOFA_Demo",
        display_name_en="Ministry of Foreign Affairs",
        display_name_ar="وزارة الخارجية",
        status=AccountStatus.DOCUMENTED,
        platform_verified=True,
        platform_verified_on=date(2021, 3, 1),
        documented_on=date(2020, 1, 15),
    )
    impersonator = Candidate.objects.create(
        platform=Platform.objects.get(code="x"),
        handle="mofa_dem0",
        status=CandidateStatus.CONFIRMED,
        source=CandidateSource.MANUAL,
        score=0.98,
        fingerprint="f",
        matched_account=official,
    )
    TakedownCase.objects.create(candidate=impersonator, reported_on=date(2025, 5, 4))


def test_anonymous_visitor_checks_accounts_in_both_languages(page, live_server, screenshot):
    _registry()
    page.goto(f"{live_server.url}/verify/")
    html = page.locator("html")
    assert html.get_attribute("dir") == "rtl" and html.get_attribute("lang") == "ar"
    assert page.locator("nav a[href='/directory/']").count() == 0  # no staff navigation

    page.fill("input[name=q]", "https://twitter.com/MOFA_Demo?s=20")
    page.click("[data-testid=verify-submit]")
    page.wait_for_selector("[data-testid=verify-result]")
    assert "q=https" in page.url  # a linkable GET
    result = page.locator("[data-testid=verify-result]")
    assert result.get_attribute("data-result") == "official"
    card = page.locator("[data-testid=result-official]")
    assert card.is_visible()
    assert "إدارة الإعلام والدبلوماسية العامة" in card.inner_text()
    screenshot("public-verify-ar")

    page.click("[data-testid=public-language-switch]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator("html").get_attribute("lang") == "en"
    # The switch returns to the same lookup, now in English.
    assert (
        "Media and Public Diplomacy" in page.locator("[data-testid=result-official]").inner_text()
    )

    page.fill("input[name=q]", "@someone_pretending")
    page.select_option("select[name=platform]", "x")
    page.click("[data-testid=verify-submit]")
    page.wait_for_selector("[data-testid=result-not-found]")
    assert page.locator("[data-testid=verify-result]").get_attribute("data-result") == "not_found"
    not_found = page.locator("[data-testid=result-not-found]").inner_text()
    assert "Not in the registry" in not_found or "NOT IN THE REGISTRY" in not_found
    assert page.locator("[data-testid=result-not-found] a[href='/verify/accounts/']").count() == 1
    screenshot("public-verify-en")

    page.fill("input[name=q]", "x.com/mofa_dem0")
    page.click("[data-testid=verify-submit]")
    page.wait_for_selector("[data-testid=result-impersonator]")
    screenshot("public-verify-impersonator-en")

    page.goto(f"{live_server.url}/verify/accounts/")
    assert page.locator("[data-testid=directory-unit]").count() == 1
    screenshot("public-directory-en")
    page.click("nav a[href='/verify/about/']")
    page.wait_for_load_state()
    assert page.locator("[data-testid=key-id]").inner_text().strip()
    screenshot("public-about-en")
