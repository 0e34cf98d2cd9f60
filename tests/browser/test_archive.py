"""The archive of agreements in a real browser: the treaties department
records an agreement, attaches its signed Arabic text and finds it by an
Arabic word (RTL), then the same pages in English (LTR); a liaison sees the
ministry's agreements and the deadlines."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect

from sifara.archive.demo import load_demo as load_archive_demo
from sifara.archive.models import Agreement, Topic
from sifara.archive.topics import upsert_topics
from sifara.directory.countries import upsert_countries
from sifara.directory.demo import load_organisation, load_people
from sifara.directory.models import Country, Unit
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIGNED_TEXT = (
    "اتفاقية التعاون في مجال التعدين والفوسفات\n\n"
    "المادة (1)\nيتعاون الطرفان في استكشاف خامات الفوسفات وتطوير صناعة الأسمدة.\n\n"
    "المادة (2)\nتشكل لجنة فنية مشتركة تجتمع مرة كل سنة."
)


@pytest.fixture
def demo_archive():
    upsert_topics(Topic)  # transactional tests flush the data-migration rows
    upsert_countries(Country)
    load_people(load_organisation())
    load_archive_demo(out=io.StringIO())


def test_record_attach_and_search_in_arabic_then_english(
    page, live_server, screenshot, demo_archive, tmp_path
):
    sign_in(page, live_server, "legal.hq")
    page.goto(f"{live_server.url}/archive/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("[data-testid=archive-hit]").count() >= 10
    screenshot("archive-01-search-ar")

    # Record an agreement.
    page.click("[data-testid=new-agreement]")
    page.wait_for_url(re.compile(r".*/archive/agreements/new/$"))
    page.select_option("select[name=kind]", "agreement")
    page.select_option("select[name=status]", "in_force")
    page.fill("input[name=title_ar]", "اتفاقية التعاون في مجال التعدين والفوسفات مع المغرب")
    page.fill(
        "input[name=title_en]", "Agreement on cooperation in mining and phosphates with Morocco"
    )
    page.select_option("select[name=countries]", "MA")
    trade = Unit.objects.get(code="pm-trade")
    page.select_option("select[name=ministries]", str(trade.pk))
    page.fill("input[name=signed_on]", "2025-02-10")
    page.fill("input[name=entry_into_force]", "2025-04-01")
    page.fill("input[name=duration_years]", "5")
    page.check("input[name=authentic_languages][value=ar]")
    page.check("input[name=authentic_languages][value=en]")
    screenshot("archive-02-new-ar")
    page.click("[data-testid=save-agreement]")
    page.wait_for_url(re.compile(r".*/archive/agreements/\d+/$"))
    agreement = Agreement.objects.get(title_en__startswith="Agreement on cooperation in mining")
    assert "التعدين والفوسفات" in page.locator("[data-testid=agreement-title]").inner_text()
    assert agreement.expires_on is not None and agreement.expires_on.year == 2030

    # Attach the signed Arabic text.
    signed = tmp_path / "mining_ar.txt"
    signed.write_text(SIGNED_TEXT, encoding="utf-8")
    page.set_input_files("input[name=upload]", str(signed))
    page.select_option("select[name=language]", "ar")
    page.click("[data-testid=attach-form] button[type=submit]")
    page.wait_for_url(re.compile(r".*/archive/agreements/\d+/$"))
    files = page.locator("[data-testid=file-list]")
    expect(files).to_contain_text("mining_ar.txt")
    assert agreement.files.get().extraction == "done"
    screenshot("archive-03-detail-ar")

    # Search by an Arabic word of the attached text (another spelling of it).
    page.goto(f"{live_server.url}/archive/")
    page.fill("[data-testid=archive-q]", "الأسمده")
    page.click("[data-testid=archive-search]")
    hits = page.locator("[data-testid=archive-hit]")
    expect(hits.first.locator("mark").first).to_be_visible()
    expect(hits.first).to_contain_text("التعدين والفوسفات")
    expect(hits.first).to_contain_text("mining_ar.txt")
    screenshot("archive-04-results-ar")

    # The same in English.
    page.click("[data-testid=language-switch]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "ltr"
    page.goto(f"{live_server.url}/archive/?q=phosphates")
    expect(page.locator("[data-testid=archive-hit]").first).to_contain_text(
        "Agreement on cooperation in mining and phosphates"
    )
    screenshot("archive-05-results-en")
    page.goto(f"{live_server.url}/archive/agreements/{agreement.pk}/")
    expect(page.locator("[data-testid=file-list]")).to_contain_text("Text extracted")
    screenshot("archive-06-detail-en")
    page.goto(f"{live_server.url}/archive/?country=EG")
    expect(page.locator("[data-testid=facet-country] .active")).to_contain_text("Egypt")
    screenshot("archive-07-facets-en")


def test_liaison_sees_the_ministry_page_and_deadlines(page, live_server, screenshot, demo_archive):
    sign_in(page, live_server, "liaison.trade")
    trade = Unit.objects.get(code="pm-trade")
    page.goto(f"{live_server.url}/archive/ministries/{trade.pk}/")
    rows = page.locator("[data-testid=agreement-table] tbody tr")
    assert rows.count() >= 5
    screenshot("archive-08-ministry-ar")
    page.goto(f"{live_server.url}/archive/deadlines/?days=365")
    expect(page.locator("[data-testid=deadline-table]")).to_be_visible()
    screenshot("archive-09-deadlines-ar")
    page.click("[data-testid=language-switch]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/archive/timeline/")
    expect(page.locator("[data-testid=timeline]")).to_contain_text("Signature")
    screenshot("archive-10-timeline-en")
    # Someone else's ministry's agreements are out of sight.
    health = Unit.objects.get(code="pm-health")
    page.goto(f"{live_server.url}/archive/ministries/{health.pk}/")
    assert page.locator("[data-testid=agreement-table] tbody tr").first.inner_text().strip() in (
        "No agreements.",
    )
