"""The demo archive: enough agreements in both languages, with texts, some
falling due soon, searchable; re-running creates nothing new."""

from __future__ import annotations

import io

import pytest

from sifara.archive import selectors
from sifara.archive.demo import load_demo
from sifara.archive.models import Agreement, ArchiveFile
from sifara.directory.demo import load_organisation, load_people
from sifara.directory.models import User

pytestmark = pytest.mark.django_db


def test_demo_archive_is_rich_and_idempotent(django_capture_on_commit_callbacks):
    load_people(load_organisation())
    with django_capture_on_commit_callbacks(execute=True):
        load_demo(out=io.StringIO())
    count, files = Agreement.objects.count(), ArchiveFile.objects.count()
    assert count >= 40
    assert Agreement.objects.exclude(title_ar="").exclude(title_en="").count() == count
    assert ArchiveFile.objects.filter(file_format="pdf").count() >= 2
    assert Agreement.objects.filter(is_multilateral=True).exists()
    assert Agreement.objects.values("ministries").distinct().count() >= 5
    legal = User.objects.get(username="legal.hq")
    assert selectors.deadlines_for_user(user=legal, days=90)
    hits = selectors.agreement_search_for_user(user=legal, query="الطاقة المتجددة").rows
    assert hits
    load_demo(out=io.StringIO())
    assert (Agreement.objects.count(), ArchiveFile.objects.count()) == (count, files)
    # The PDFs' Arabic text was extracted in reading order.
    pdf = ArchiveFile.objects.filter(file_format="pdf").first()
    assert pdf is not None and "حررت في" in pdf.text
