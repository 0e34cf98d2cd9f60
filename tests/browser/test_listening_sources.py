"""Listening sources in a real browser: an analyst sees the sources and their
health in Arabic (RTL), opens a failing feed and its skipped items, adds a
Mastodon source, then the same pages in English (LTR)."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sifara.directory.countries import upsert_countries
from sifara.directory.demo import load_organisation, load_people
from sifara.directory.models import Country
from sifara.listening.demo import DEMO_FILE_SOURCE, load_demo
from sifara.listening.models import SkippedItem, Source
from sifara.listening.pipeline import ingest
from sifara.listening.types import RawItem, SkippedRaw
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_listening():
    upsert_countries(Country)
    load_people(load_organisation())
    load_demo(out=io.StringIO())
    now = timezone.now()
    source = Source.objects.get(name=DEMO_FILE_SOURCE)
    ingest(
        [
            RawItem(
                platform="x",
                external_id=f"demo-{i}",
                text=f"وزارة الخارجية أعلنت اليوم تسهيلات جديدة للتأشيرات {i}",
                published_at=now - timedelta(minutes=10 + i),
                author_handle=f"citizen{i}",
            )
            for i in range(30)
        ]
        + [SkippedRaw(reason="invalid_json", detail="line 31: Expecting value", cursor="k@99")],
        source=source,
        now=now,
    )
    feed = Source.objects.get(name="demo-news-feed")
    feed.is_active = True
    feed.consecutive_failures = 6
    feed.last_error = "timed out: https://news.example/world/rss.xml"
    feed.last_error_at = now - timedelta(minutes=4)
    feed.next_attempt_at = now + timedelta(hours=1)
    feed.save()
    SkippedItem.objects.create(
        source=feed, reason="invalid_date", detail="entry without a date", created_at=now
    )


def test_sources_health_in_arabic_then_english(page, live_server, screenshot, demo_listening):
    sign_in(page, live_server, "analyst.hq")
    page.goto(f"{live_server.url}/listening/sources/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    table = page.locator("[data-testid=source-table]")
    expect(table).to_contain_text("Imported posts (demo week)")
    expect(page.locator(".alert-danger")).to_be_visible()
    screenshot("listening-sources-01-list-ar")

    feed = Source.objects.get(name="demo-news-feed")
    page.goto(f"{live_server.url}/listening/sources/{feed.pk}/")
    expect(page.locator("[data-testid=skipped-table]")).to_contain_text("invalid_date")
    screenshot("listening-sources-02-failing-feed-ar")

    page.goto(f"{live_server.url}/listening/sources/new/")
    page.fill("input[name=name]", "mastodon-visas")
    page.fill("input[name=title]", "Mastodon #visa")
    page.select_option("select[name=platform]", "mastodon")
    page.fill("input[name=instance]", "https://mastodon.social")
    page.fill("input[name=hashtag]", "visa")
    screenshot("listening-sources-03-form-ar")
    page.click("form.card button[type=submit]")
    page.wait_for_url(re.compile(r".*/listening/sources/\d+/$"))
    assert Source.objects.filter(name="mastodon-visas", config__hashtag="visa").exists()

    page.click("[data-testid=language-switch]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "ltr"
    page.goto(f"{live_server.url}/listening/sources/")
    expect(page.locator("[data-testid=source-table]")).to_contain_text("Failing")
    screenshot("listening-sources-04-list-en")
    demo = Source.objects.get(name=DEMO_FILE_SOURCE)
    page.goto(f"{live_server.url}/listening/sources/{demo.pk}/")
    expect(page.locator("[data-testid=skipped-table]")).to_contain_text("line 31")
    screenshot("listening-sources-05-detail-en")


def test_watch_lists_in_arabic_then_english(page, live_server, screenshot, demo_listening):
    from sifara.listening.models import WatchTopic

    sign_in(page, live_server, "analyst.hq")
    page.goto(f"{live_server.url}/listening/sources/")
    page.click("[data-testid=link-watchlists]")
    page.wait_for_url(re.compile(r".*/listening/sources/watchlists/$"))
    assert page.locator("html").get_attribute("dir") == "rtl"
    expect(page.locator("[data-testid=tab-watchlists]")).to_have_class(re.compile("active"))
    page.click("[data-testid=watch-topic-new]")
    page.fill("input[name=name_ar]", "تسهيلات التأشيرات")
    page.fill("input[name=name_en]", "Visa facilitation")
    screenshot("listening-watchlists-01-form-ar")
    page.click("[data-testid=watch-topic-form] button[type=submit]")
    page.wait_for_url(re.compile(r".*/listening/sources/watchlists/\d+/$"))
    topic = WatchTopic.objects.get(name_en="Visa facilitation")

    terms = page.locator("[data-testid=watch-terms]")
    page.fill("input[name=text]", "التأشيرة")
    page.check("input[name=is_high_priority]")
    page.click("[data-testid=watch-term-form] button[type=submit]")
    expect(page.locator("[data-testid=watch-term]")).to_have_count(1)
    page.fill("input[name=text]", "visa on arrival")
    page.click("[data-testid=watch-term-form] button[type=submit]")
    expect(page.locator("[data-testid=watch-term]")).to_have_count(2)
    page.fill("input[name=text]", "التأشيرة")
    page.click("[data-testid=watch-term-form] button[type=submit]")
    expect(page.locator("[data-testid=term-error]")).to_be_visible()
    expect(terms).to_contain_text("visa on arrival")
    screenshot("listening-watchlists-02-topic-ar")
    assert sorted(topic.terms.values_list("text", flat=True)) == ["visa on arrival", "التأشيرة"]

    page.click("[data-testid=language-switch]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "ltr"
    page.goto(f"{live_server.url}/listening/sources/watchlists/{topic.pk}/")
    page.locator("[data-testid=watch-term] button").first.click()
    expect(page.locator("[data-testid=watch-term]")).to_have_count(1)
    screenshot("listening-watchlists-03-topic-en")
    page.goto(f"{live_server.url}/listening/sources/watchlists/")
    expect(page.locator("[data-testid=watch-topic-table]")).to_contain_text("Visa facilitation")
    screenshot("listening-watchlists-04-list-en")
