"""An operations room in a real browser, in Arabic and English: the consular
director opens a room, posts a message and a decision, assigns a task, ticks
a checklist item, closes the room and exports its situation log; the guest
expert sees only their room; the timeline refreshes itself on a phone."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sifara.directory.demo import load_organisation, load_people
from sifara.directory.services import countries_sync
from sifara.rooms import services
from sifara.rooms.demo import load_demo
from sifara.rooms.models import OperationsRoom, RoomEntry
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _load() -> None:
    countries_sync()
    load_people(load_organisation())
    load_demo(out=io.StringIO())


def _sign_in(page, live_server, username: str) -> None:
    # Room-only guests land on their rooms, everyone else on the dashboard.
    sign_in(
        page, live_server, username, landing=re.compile(rf"{re.escape(live_server.url)}/(rooms/)?$")
    )


def _journey(page, live_server, screenshot, lang: str) -> None:
    suffix = lang
    page.goto(f"{live_server.url}/rooms/")
    expect(page.locator("[data-testid=room-cards]").first).to_be_visible()
    screenshot(f"rooms-list-{suffix}")

    page.click("[data-testid=room-new]")
    title = "إجلاء الرعايا من الساحل" if lang == "ar" else "Evacuation from the coast"
    page.fill("input[name=title]", title)
    page.select_option("select[name=kind]", "evacuation")
    page.select_option("select[name=ceiling]", "2")
    page.click("[data-testid=room-open]")
    page.wait_for_url(re.compile(r".*/rooms/\d+/$"))
    room = OperationsRoom.objects.get(title=title)

    message = (
        "وصلت الحافلات إلى نقطة التجمع" if lang == "ar" else "Buses reached the assembly point"
    )
    page.fill("textarea[name=text]", message)
    page.click("[data-testid=entry-submit]")
    expect(page.locator("[data-testid=timeline]")).to_contain_text(message)

    decision = "استئجار طائرتين يوم الخميس" if lang == "ar" else "Charter two aircraft on Thursday"
    page.fill("textarea[name=text]", decision)
    page.select_option("select[name=kind]", "decision")
    page.select_option("select[name=classification]", "2")
    page.click("[data-testid=entry-submit]")
    expect(page.locator("[data-testid=entry][data-kind=decision]").first).to_contain_text(decision)

    page.click("#tasks summary")
    page.fill(
        "[data-testid=task-form] input[name=title]",
        "Book the charter" if lang == "en" else "حجز الطائرة",
    )
    page.select_option("[data-testid=task-form] select[name=owner]", index=0)
    due = (timezone.localtime() + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    page.fill("[data-testid=task-form] input[name=due_at]", due)
    page.click("[data-testid=task-submit]")
    expect(page.locator("[data-testid=task]")).to_have_count(1)

    page.locator("[data-testid=checklist-toggle]").first.click()
    expect(page.locator("[data-testid=checklist-item].done")).to_have_count(1)
    assert page.locator("html").get_attribute("lang") == lang
    screenshot(f"rooms-room-{suffix}")

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=room-close]")
    expect(page.locator("[data-testid=room-closed]")).to_be_visible()
    assert page.locator("[data-testid=entry-form]").count() == 0
    room.refresh_from_db()
    assert room.status == "closed"
    screenshot(f"rooms-closed-{suffix}")

    with page.expect_download() as download_info:
        page.click("[data-testid=export-pdf]")
    pdf = download_info.value
    assert pdf.suggested_filename == f"{room.reference}-situation-log.pdf"
    with open(pdf.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"
    with page.expect_download() as download_info:
        page.click("[data-testid=export-html]")
    with open(download_info.value.path(), encoding="utf-8") as handle:
        html = handle.read()
    assert message in html and decision in html
    # Show the exported log for the screenshot (a self-contained file, no CSP).
    page.goto("about:blank")
    page.set_content(html)
    screenshot(f"rooms-situation-log-{suffix}")


def test_operations_room_journey_in_arabic_and_english(page, live_server, screenshot):
    _load()
    _sign_in(page, live_server, "consular.hq")
    assert page.locator("html").get_attribute("dir") == "rtl"
    _journey(page, live_server, screenshot, "ar")

    page.goto(f"{live_server.url}/rooms/")
    page.click("[data-testid=language-switch]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    _journey(page, live_server, screenshot, "en")


def test_guest_sees_only_their_room_and_the_timeline_updates_on_a_phone(
    browser, live_server, screenshot
):
    _load()
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en")
    page = context.new_page()
    try:
        _sign_in(page, live_server, "guest.logistics")
        page.wait_for_url(f"{live_server.url}/rooms/")
        assert page.locator("[data-testid=guest-navbar]").count() == 1
        cards = page.locator("[data-testid=room-cards] a")
        expect(cards).to_have_count(1)
        page.screenshot(path=str(_path("rooms-guest-list-en")), full_page=True)
        cards.first.click()
        page.wait_for_url(re.compile(r".*/rooms/\d+/$"))
        room = OperationsRoom.objects.get(status="open", kind="evacuation")
        # CONFIDENTIAL decision is above the guest's clearance.
        assert "استئجار طائرتين" not in page.locator("main").inner_text()
        # Another member posts; the guest's timeline shows it without a reload.
        from sifara.directory.models import User

        services.entry_post(
            actor=User.objects.get(username="deputy.nairobi"),
            room=room,
            kind="status",
            text="Second bus left the embassy",
        )
        expect(page.locator("[data-testid=timeline]")).to_contain_text(
            "Second bus left the embassy", timeout=15000
        )
        assert RoomEntry.objects.filter(room=room).count() > 5
        page.screenshot(path=str(_path("rooms-guest-phone-en")), full_page=True)
        response = page.goto(f"{live_server.url}/directory/")
        assert response is not None and response.status == 404
    finally:
        context.close()


def _path(name: str):
    from tests.browser.conftest import ARTIFACTS

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / f"{name}.png"
