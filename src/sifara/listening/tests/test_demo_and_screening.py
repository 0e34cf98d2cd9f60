"""Demo content and the background screening of authors by the radar."""

from __future__ import annotations

import io
from typing import Any

import pytest

from sifara.listening.demo import DEMO_FILE_SOURCE, load_demo
from sifara.listening.models import Platform, ScreenedAuthor, Source, WatchTerm, WatchTopic
from sifara.listening.pipeline import ingest
from sifara.listening.tests.factories import raw

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_network_sources_are_inactive() -> None:
    load_demo(out=io.StringIO())
    counts = (Source.objects.count(), WatchTopic.objects.count(), WatchTerm.objects.count())
    load_demo(out=io.StringIO())
    assert (Source.objects.count(), WatchTopic.objects.count(), WatchTerm.objects.count()) == counts
    active = set(Source.objects.filter(is_active=True).values_list("name", flat=True))
    assert active == {DEMO_FILE_SOURCE}
    assert set(Source.objects.values_list("platform", flat=True)) == {
        Platform.RSS,
        Platform.BLUESKY,
        Platform.MASTODON,
        Platform.TELEGRAM,
        Platform.FILE,
    }


def test_new_authors_are_screened_once_and_lookalikes_reach_the_review_queue(
    settings: Any, hq_unit: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from sifara.accounts.models import AccountStatus, Candidate, OfficialAccount
    from sifara.accounts.models import Platform as AccountPlatform
    from sifara.accounts.review_services import registry_index_forget

    settings.SIFARA_LISTENING_SCREEN_AUTHORS = True
    x = AccountPlatform.objects.get(code="x")
    OfficialAccount.objects.create(
        platform=x,
        handle="mfa_demo",
        display_name_en="Ministry of Foreign Affairs (demo)",
        display_name_ar="وزارة الخارجية (تجريبي)",
        status=AccountStatus.DOCUMENTED,
        unit=hq_unit,
    )
    registry_index_forget()
    source = Source.objects.create(name="x-feed", title="X", platform=Platform.X)
    with django_capture_on_commit_callbacks(execute=True):
        ingest(
            [
                raw(
                    "1",
                    "Official statement from the ministry",
                    platform=Platform.X,
                    author="mfa_dem0",
                    author_name="Ministry of Foreign Affairs",
                ),
                raw("2", "Just a citizen", platform=Platform.X, author="citizen_42"),
            ],
            source=source,
        )
    assert set(ScreenedAuthor.objects.values_list("handle", flat=True)) == {
        "mfa_dem0",
        "citizen_42",
    }
    candidate = Candidate.objects.get()
    assert candidate.handle == "mfa_dem0" and candidate.source == "listening"
    with django_capture_on_commit_callbacks(execute=True):
        ingest([raw("3", "again", platform=Platform.X, author="mfa_dem0")], source=source)
    assert ScreenedAuthor.objects.count() == 2 and Candidate.objects.count() == 1
