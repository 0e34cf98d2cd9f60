"""The impersonation radar's review journey in a real browser, in Arabic (RTL):
a digital officer opens the queue, opens a candidate, confirms it and lands on
the takedown case."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect

from sifara.accounts import review_services
from sifara.accounts.demo import load_accounts_demo
from sifara.accounts.models import Candidate, CandidateStatus, Platform, TakedownCase
from sifara.accounts.platforms import upsert_platforms
from sifara.accounts.review_demo import load_review_demo
from sifara.directory.demo import load_demo
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_digital_officer_confirms_an_impersonator_in_arabic(page, live_server, screenshot):
    upsert_platforms(Platform)  # transactional tests flush the data-migration rows
    review_services.registry_index_forget()
    load_demo(out=io.StringIO())
    load_accounts_demo(out=io.StringIO())
    load_review_demo()
    target = (
        Candidate.objects.filter(status=CandidateStatus.PENDING, platform__code="x")
        .order_by("-score")
        .first()
    )
    assert target is not None

    sign_in(page, live_server, "digital.hq")
    page.goto(f"{live_server.url}/accounts/review/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    queue = page.locator("[data-testid=review-queue]")
    assert queue.locator("tbody tr").count() >= 5
    first_row = queue.locator("tbody tr").first
    assert "pending" in (first_row.get_attribute("class") or "")
    assert re.search(r"[\u0600-\u06FF]", first_row.locator(".radar-reasons").inner_text())
    screenshot("review-queue-ar")

    # HTMX filter: only confirmed ones.
    rows = page.locator("[data-testid=review-queue] tbody tr")
    pending_rows = rows.count()
    page.select_option("select[name=status]", "confirmed")
    expect(rows).to_have_count(1)
    assert "confirmed" in (rows.first.get_attribute("class") or "")
    page.select_option("select[name=status]", "")
    expect(rows).to_have_count(pending_rows)

    page.click(f"[data-testid=review-queue] a:has-text('@{target.handle}')")
    page.wait_for_url(re.compile(rf".*/accounts/review/{target.pk}/$"))
    reasons = page.locator("[data-testid=candidate-reasons]").inner_text()
    assert re.search(r"[\u0600-\u06FF]", reasons)
    assert "mfa_demo" in page.locator("main").inner_text() or target.matched_account is not None
    page.fill("textarea[name=note]", "ينتحل اسم الوزارة ويعرض تأشيرات عاجلة")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=confirm-candidate]")
    page.wait_for_url(re.compile(r".*/accounts/review/cases/\d+/$"))

    case = TakedownCase.objects.get(candidate=target)
    assert case.status == "open"
    assert page.locator("html").get_attribute("dir") == "rtl"
    report = page.locator("[data-testid=report-link]")
    assert report.is_visible()
    assert report.get_attribute("href") == "https://help.x.com/forms/impersonation"
    assert page.locator("[data-testid=pack-pdf]").is_visible()
    assert page.locator("[data-testid=pack-zip]").is_visible()
    screenshot("takedown-ar")
