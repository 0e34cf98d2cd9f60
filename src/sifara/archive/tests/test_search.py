"""Search through the page, the API and the CLI, in Arabic and English: one
box, facets, highlighted snippets, attached files' names; nothing invisible is
found or counted; classified text is never indexed."""

from __future__ import annotations

import json
from datetime import date

import pytest

from sifara.archive import services
from sifara.cli import main
from sifara.core.models import Classification
from sifara.directory.models import Country

pytestmark = pytest.mark.django_db

ARABIC_TEXT = (
    "اتفاقية بين الحكومتين في مجال الاستثمار والطاقة المتجددة. "
    "تتعاون الأطراف في إنشاء محطات الطاقة الشمسية وتبادل الخبرات الفنية."
)


@pytest.fixture
def archive(editor, trade_ministry, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        energy = services.agreement_create(
            actor=editor,
            kind="agreement",
            title_en="Agreement on renewable energy cooperation",
            title_ar="اتفاقية التعاون في مجال الطاقة المتجددة",
            status="in_force",
            signed_on=date(2021, 3, 14),
            countries=[Country.objects.get(code="EG")],
            ministries=[trade_ministry],
        )
        services.file_attach(
            actor=editor,
            agreement=energy,
            name="energy_ar.txt",
            data=ARABIC_TEXT.encode(),
            extract_later=False,
        )
        visa = services.agreement_create(
            actor=editor,
            kind="mou",
            title_en="Memorandum on visa facilitation",
            title_ar="مذكرة تفاهم بشأن تسهيل التأشيرات",
            status="signed",
            signed_on=date(2019, 1, 20),
            countries=[Country.objects.get(code="FR")],
        )
        secret = services.agreement_create(
            actor=editor,
            kind="protocol",
            title_en="Protocol on border security",
            title_ar="بروتوكول أمن الحدود",
            status="signed",
            signed_on=date(2023, 5, 5),
            classification=Classification.CONFIDENTIAL,
        )
        services.file_attach(
            actor=editor,
            agreement=secret,
            name="annex.txt",
            data="ملحق الطاقة الشمسية السري للحدود".encode(),
            extract_later=False,
        )
    return {"energy": energy, "visa": visa, "secret": secret}


def test_arabic_words_find_the_text_of_attached_files(en_client, staff, archive):
    page = en_client(staff).get("/archive/", {"q": "الإستثمار"}).content.decode()
    assert "Agreement on renewable energy cooperation" in page
    assert "<mark>" in page
    assert "energy_ar.txt" in page
    assert "Memorandum on visa facilitation" not in page


def test_english_words_and_facets(en_client, staff, archive):
    client = en_client(staff)
    page = client.get("/archive/", {"q": "visa"}).content.decode()
    assert "Memorandum on visa facilitation" in page
    assert "Agreement on renewable energy" not in page
    browse = client.get("/archive/", {"country": "EG"}).content.decode()
    assert "Agreement on renewable energy cooperation" in browse
    assert "Memorandum on visa facilitation" not in browse
    assert 'data-testid="facet-country"' in client.get("/archive/").content.decode()


def test_invisible_agreements_are_neither_found_nor_counted(en_client, staff, editor, archive):
    page = en_client(staff).get("/archive/", {"q": "border security"}).content.decode()
    assert "Protocol on border security" not in page
    assert "0 agreements match" in page
    # Its owner finds it by its metadata...
    assert (
        "Protocol on border security"
        in en_client(editor).get("/archive/", {"q": "border"}).content.decode()
    )
    # ...but never by the classified file's text, which is not indexed.
    assert (
        "Protocol on border security"
        not in en_client(editor).get("/archive/", {"q": "ملحق"}).content.decode()
    )


def test_cli_search_json(archive, staff, capsys):
    assert main(["archive", "search", "الطاقة المتجددة", "--format", "json", "--limit", "5"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits[0]["id"] == archive["energy"].pk
    assert hits[0]["title"] == "Agreement on renewable energy cooperation"
    assert hits[0]["files"] == ["energy_ar.txt"]
    assert "<mark>" in hits[0]["snippet"] and isinstance(hits[0]["score"], float)
    assert main(["archive", "search", "visa"]) == 0
    text = capsys.readouterr().out
    assert f"#{archive['visa'].pk}" in text and "1 matching agreements" in text
    assert main(["archive", "search", "visa", "--format", "json", "--user", "desk"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert [h["id"] for h in hits] == [archive["visa"].pk]


def test_api_search_respects_policy(verified_client, staff, archive):
    response = verified_client(staff).get("/api/v1/agreements/search/", {"q": "الطاقة"})
    assert response.status_code == 200
    ids = [hit["id"] for hit in response.json()["hits"]]
    assert archive["energy"].pk in ids and archive["secret"].pk not in ids
    assert (
        verified_client(staff).get(f"/api/v1/agreements/{archive['secret'].pk}/").status_code == 404
    )
