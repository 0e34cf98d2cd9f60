"""Listening analysis in a real browser: an analyst opens the dashboard (charts
render, right-to-left mirrored in Arabic), drills down from a chart into the
posts, opens an alert and acknowledges it, in Arabic and in English."""

from __future__ import annotations

import io
import re

import pytest
from django.utils import timezone

from sifara.analysis import demo as analysis_demo
from sifara.analysis.models import Alert, AlertKind, Claim, Statement
from sifara.directory.demo import load_organisation, load_people
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _charts_rendered(page, count: int) -> None:
    page.wait_for_selector("[data-chart][data-rendered=true]")
    rendered = page.locator("[data-chart][data-rendered=true]")
    assert rendered.count() == count
    for index in range(count):
        # ECharts draws SVG with real shapes (bars, lines or pie sectors)
        assert rendered.nth(index).locator("svg path").count() > 3


def test_analyst_dashboard_and_alert_in_both_languages(page, live_server, screenshot):
    load_people(load_organisation())
    analysis_demo._load(out=io.StringIO(), now=timezone.now(), scale=0.3)
    spike = Alert.objects.filter(kind=AlertKind.VOLUME_SPIKE, rule__topic__isnull=False).first()
    assert spike is not None

    sign_in(page, live_server, "analyst.hq")
    page.click("nav a[href='/listening/']")
    page.wait_for_url(f"{live_server.url}/listening/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    _charts_rendered(page, 4)
    # RTL: the value axis of the volume chart sits on the right
    volume = page.locator("[data-testid=chart-volume]")
    box = volume.bounding_box()
    labels = volume.locator("svg text")
    assert labels.count() > 5
    assert re.search(r"[\u0660-\u0669]", page.locator("[data-testid=kpi-posts]").inner_text())
    assert page.locator("[data-testid=top-authors] li").count() >= 5
    assert box is not None
    screenshot("listening-dashboard-ar")

    # drill down: the busiest language bar leads to its posts
    page.locator("[data-testid=top-terms] a").first.click()
    page.wait_for_url(re.compile(r".*/listening/posts/\?.*term=\d+"))
    assert page.locator("[data-testid=post]").count() > 0
    screenshot("listening-posts-ar")

    # the alert, in Arabic
    page.goto(f"{live_server.url}/listening/alerts/")
    assert page.locator("[data-testid=alert-list] a").count() >= 3
    screenshot("listening-alerts-ar")
    page.goto(f"{live_server.url}/listening/alerts/{spike.pk}/")
    _charts_rendered(page, 1)
    assert page.locator("[data-testid=post]").count() > 0
    screenshot("listening-alert-ar")

    # English, left to right
    page.click("[data-testid=language-switch]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "ltr"
    summary = page.locator("[data-testid=alert-summary]").inner_text()
    assert re.search(r"\d+ posts in the last 1 h against", summary)
    screenshot("listening-alert-en")
    page.click("[data-testid=acknowledge]")
    page.wait_for_load_state()
    spike.refresh_from_db()
    assert spike.acknowledged_at is not None

    page.goto(f"{live_server.url}/listening/?period=7d")
    _charts_rendered(page, 4)
    screenshot("listening-dashboard-en")

    # statement reaction, claim and cluster pages
    statement = Statement.objects.get(title__startswith="Statement on the signature")
    page.goto(f"{live_server.url}/listening/statements/{statement.pk}/")
    _charts_rendered(page, 3)
    screenshot("listening-statement-en")
    claim = Claim.objects.get()
    page.goto(f"{live_server.url}/listening/claims/{claim.pk}/")
    _charts_rendered(page, 1)
    assert "has not been sold" in page.locator("[data-testid=rebuttal-en]").inner_text()
    screenshot("listening-claim-en")
    page.goto(f"{live_server.url}/listening/clusters/")
    page.locator("[data-testid=cluster-list] a").first.click()
    _charts_rendered(page, 1)
    assert page.locator("[data-testid=cluster-accounts] tbody tr").count() >= 5
    screenshot("listening-cluster-en")

    page.click("[data-testid=language-switch]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/listening/statements/{statement.pk}/")
    _charts_rendered(page, 3)
    screenshot("listening-statement-ar")
