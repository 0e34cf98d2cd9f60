"""The search facade on the configured database (SQLite FTS5 locally, PostgreSQL in CI)."""

from __future__ import annotations

import pytest
from django.db import transaction

from sifara.core import search
from sifara.core.search import Document
from sifara.directory.models import User

pytestmark = pytest.mark.django_db

KIND = "test.note"


def put(object_id: int, title: str, body: str = "", **facets: list[str]) -> None:
    search.index(Document(kind=KIND, object_id=object_id, title=title, body=body, facets=facets))


def ids(query: str, **kwargs) -> list[int]:
    return [hit.object_id for hit in search.search(kind=KIND, query=query, **kwargs).hits]


# --- Arabic spelling variants (the cases) --------------------------------


@pytest.mark.parametrize(
    ("written", "query"),
    [
        ("إستراتيجية التعاون الإقليمي", "استراتيجية"),  # hamza on alef
        ("ورقة عن الدبلوماسية الرقمية", "الدبلوماسيه"),  # ة / ه
        ("ملتزمون بالدبلوماسية متعددة الأطراف", "دبلوماسية"),  # بال prefix
        ("تعزيز الدبلوماسية الثقافية", "دبلوماسية"),  # ال prefix
        ("الدِّبْلُومَاسِيَّة العامة", "الدبلوماسية"),  # diacritics in the text
        ("الدبلوماسية العامة", "الدِّبلوماسيّة"),  # diacritics in the query
        ("مؤتمر الســـفارات", "السفارات"),  # tatweel
        ("زيارة إلى مستشفى الجامعة", "مستشفي"),  # ى / ي
        ("آفاق التعاون", "افاق"),  # madda alef
        ("وللسفارة دور", "سفارة"),  # و + لل prefix
        ("الاتفاقيات الثنائية", "اتفاقية"),  # plural suffix ات
        ("لقاء مع المسؤول القنصلي", "مسئول"),  # hamza seat
        ("استقبل الوزير السفراء", "وزير"),  # article before و-initial word
    ],
)
def test_arabic_query_matches_every_spelling_variant(written, query):
    put(1, "وثيقة", written)
    put(2, "وثيقة أخرى", "نص لا علاقة له بالموضوع")
    assert ids(query) == [1]


def test_snippet_marks_the_original_spelling_html_safe():
    put(1, "تقرير", "نص <b>خام</b> عن الإستراتيجيّة الوطنية & غيرها")
    (hit,) = search.search(kind=KIND, query="استراتيجية").hits
    assert "<mark>الإستراتيجيّة</mark>" in hit.snippet
    assert "&lt;b&gt;خام&lt;/b&gt;" in hit.snippet and "&amp;" in hit.snippet
    assert "<b>" not in hit.snippet


def test_english_is_casefolded_and_lightly_stemmed():
    put(1, "Trade AGREEMENTS", "The ministries negotiated two agreements.")
    put(2, "Weather", "Rain in the capital.")
    assert ids("agreement") == [1]
    assert ids("Negotiating ministry") == [1]
    hit = search.search(kind=KIND, query="agreement").hits[0]
    assert "<mark>agreements</mark>" in hit.snippet


def test_mixed_arabic_and_english_query():
    put(1, "Memorandum مذكرة تفاهم", "Cooperation on the رقمنة of archives")
    put(2, "Memorandum", "Nothing related")
    assert ids("memorandum مذكرة") == [1]


# --- Query syntax --------------------------------------------------------------


def test_quoted_phrase_requires_adjacent_words_in_order():
    put(1, "A", "the foreign minister met the press")
    put(2, "B", "the minister of foreign trade")
    assert sorted(ids("foreign minister")) == [1, 2]
    assert ids('"foreign minister"') == [1]
    assert ids('"وزير الخارجية"') == []


def test_arabic_phrase_matches_variants():
    put(1, "بيان", "صرّح وزيرُ الخارجيّة بأن الزيارة ناجحة")
    put(2, "بيان", "الخارجية أعلنت أن الوزير سيزور")
    assert ids('"وزير الخارجية"') == [1]


def test_prefix_query():
    put(1, "Negotiation round", "")
    put(2, "Weather", "")
    assert ids("negot*") == [1]


def test_all_words_are_required():
    put(1, "Egypt water", "")
    put(2, "Egypt trade", "")
    assert ids("egypt water") == [1]


def test_punctuation_and_query_syntax_never_reach_the_database():
    put(1, 'Quote " and (brackets) AND NOT near', "")
    for query in ['"unbalanced', "AND OR NOT", "a:b", "((", "*", "NEAR(x y)", "'; DROP", "؟؟"]:
        search.search(kind=KIND, query=query)  # no exception
    assert ids("*") == []
    assert ids("brackets)") == [1]


def test_blank_query_lists_documents_for_browsing():
    put(1, "First", "", country=["EG"])
    put(2, "Second", "", country=["FR"])
    results = search.search(kind=KIND, query="  ")
    assert results.total == 2 and {h.object_id for h in results.hits} == {1, 2}
    assert results.facets == {"country": {"EG": 1, "FR": 1}}


# --- Ranking --------------------------------------------------------------------


def test_exact_title_ranks_first():
    put(1, "Water security in the Nile basin", "water " * 30)
    put(2, "Nile basin", "A short note.")
    put(3, "Notes", "the nile basin and the nile basin again, nile basin")
    assert ids("nile basin")[0] == 2


def test_exact_arabic_title_ranks_first_whatever_the_spelling():
    put(1, "الأمن المائي في حوض النيل", "النيل " * 20)
    put(2, "حوض النيل", "مذكرة قصيرة")
    assert ids("حَوْض النّيل")[0] == 2


def test_exact_phrase_ranks_before_scattered_words():
    put(1, "Report", "climate talks stalled while finance ministers discussed " + "x " * 5)
    put(2, "Report", "finance for climate was discussed")
    put(3, "Report", "the talks on climate finance resumed")
    assert ids("climate finance")[0] == 3


def test_title_match_ranks_before_body_match():
    put(1, "Annual report", "mentions sanctions once")
    put(2, "Sanctions review", "an annual review of measures")
    assert ids("sanctions")[0] == 2


# --- Facets -----------------------------------------------------------------------


def test_facet_filters_and_counts():
    put(1, "Trade accord", "trade", country=["EG", "FR"], year=["2024"])
    put(2, "Trade accord", "trade", country=["EG"], year=["2025"])
    put(3, "Trade accord", "trade", country=["JP"], year=["2024"])
    put(4, "Other", "nothing", country=["EG"], year=["2024"])

    results = search.search(kind=KIND, query="trade")
    assert results.total == 3
    assert results.facets == {
        "country": {"EG": 2, "FR": 1, "JP": 1},
        "year": {"2024": 2, "2025": 1},
    }
    # OR within one facet, AND across facets.
    assert sorted(ids("trade", facets={"country": ["FR", "JP"]})) == [1, 3]
    assert ids("trade", facets={"country": ["EG"], "year": ["2024"]}) == [1]
    filtered = search.search(kind=KIND, query="trade", facets={"year": ["2024"]})
    assert filtered.total == 2
    assert filtered.facets["country"] == {"EG": 1, "FR": 1, "JP": 1}


def test_count_facets_can_be_skipped():
    put(1, "Trade", "", country=["EG"])
    assert search.search(kind=KIND, query="trade", count_facets=False).facets == {}


# --- restrict_to: what the caller may see ----------------------------------------------


def test_restrict_to_ids_hides_documents_from_hits_counts_and_facets():
    put(1, "Secret talks", "talks", country=["EG"])
    put(2, "Open talks", "talks", country=["FR"])
    results = search.search(kind=KIND, query="talks", restrict_to=[2])
    assert [h.object_id for h in results.hits] == [2]
    assert results.total == 1
    assert results.facets == {"country": {"FR": 1}}
    assert search.search(kind=KIND, query="secret", restrict_to=[2]).total == 0
    assert search.search(kind=KIND, query="talks", restrict_to=[]).total == 0


def test_restrict_to_queryset_is_used_as_subquery(make_user):
    visible = make_user(username="visible")
    hidden = make_user(username="hidden")
    put(visible.pk, "Consular note", "passport", country=["EG"])
    put(hidden.pk, "Consular note", "passport", country=["JP"])
    allowed = User.objects.filter(username="visible")
    results = search.search(kind=KIND, query="passport", restrict_to=allowed)
    assert [h.object_id for h in results.hits] == [visible.pk]
    assert results.total == 1 and results.facets == {"country": {"EG": 1}}
    flat = User.objects.filter(username="visible").values_list("id", flat=True)
    assert ids("passport", restrict_to=flat) == [visible.pk]
    assert ids("passport", restrict_to=User.objects.none()) == []
    # Any single column of ids works, not only the primary key.
    by_column = User.objects.filter(username="hidden").values_list("pk", flat=True)
    assert ids("passport", restrict_to=by_column) == [hidden.pk]
    with pytest.raises(ValueError, match="one column"):
        search.search(
            kind=KIND, query="passport", restrict_to=User.objects.values("id", "username")
        )


def test_kinds_are_separate():
    put(1, "Shared word", "")
    search.index(Document(kind="test.other", object_id=1, title="Shared word", body=""))
    assert search.search(kind="test.other", query="shared").total == 1
    search.remove(kind="test.other", object_id=1)
    assert search.search(kind="test.other", query="shared").total == 0
    assert ids("shared") == [1]


# --- Index maintenance -----------------------------------------------------------------


def test_index_is_idempotent_and_replaces():
    put(1, "Old title", "old body", country=["EG"])
    put(1, "Old title", "old body", country=["EG"])
    assert search.search(kind=KIND, query="old").total == 1
    put(1, "New title", "new body", country=["FR"])
    assert ids("old") == []
    results = search.search(kind=KIND, query="new")
    assert results.total == 1 and results.facets == {"country": {"FR": 1}}


def test_remove_is_idempotent():
    put(1, "Gone", "")
    search.remove(kind=KIND, object_id=1)
    search.remove(kind=KIND, object_id=1)
    search.remove(kind=KIND, object_id=999)
    assert ids("gone") == []


def test_index_many_is_the_bulk_path_and_last_version_wins():
    docs = [
        Document(kind=KIND, object_id=i, title=f"Cable {i}", body="routine") for i in range(1, 1201)
    ]
    docs.append(Document(kind=KIND, object_id=5, title="Cable five", body="changed"))
    assert search.index_many(docs, batch_size=500) == 1201  # documents written
    assert search.search(kind=KIND, query="routine").total == 1199
    assert ids("changed") == [5]
    search.index_many([Document(kind=KIND, object_id=7, title="Cable 7", body="again")])
    assert search.search(kind=KIND, query="routine").total == 1198
    assert search.clear(kind=KIND) == 1200
    assert search.search(kind=KIND, query="cable").total == 0


def test_pagination_with_total():
    search.index_many(
        Document(kind=KIND, object_id=i, title=f"Note {i}", body="budget") for i in range(1, 26)
    )
    first = search.search(kind=KIND, query="budget", limit=10)
    third = search.search(kind=KIND, query="budget", limit=10, offset=20)
    beyond = search.search(kind=KIND, query="budget", limit=10, offset=40)
    assert first.total == third.total == beyond.total == 25
    assert len(first.hits) == 10 and len(third.hits) == 5 and beyond.hits == []
    every = ids("budget", limit=10) + ids("budget", limit=10, offset=10) + ids("budget", offset=20)
    assert sorted(every) == list(range(1, 26))


def test_long_facet_value_is_refused():
    with pytest.raises(ValueError, match="too long"):
        put(1, "x", "", country=["x" * 300])


# --- Background indexing through a provider ------------------------------------------------


def test_queued_task_indexes_after_commit_and_removes_when_provider_says_gone(
    django_capture_on_commit_callbacks,
):
    store: dict[int, str] = {3: "Treaty of friendship"}

    def provider(object_id: int) -> Document | None:
        title = store.get(object_id)
        return None if title is None else Document(KIND, object_id, title, "")

    search.register(KIND, provider)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        search.queue_index(kind=KIND, object_id=3)
        assert ids("treaty") == []  # nothing before the commit
    assert ids("treaty") == [3]
    del store[3]
    with django_capture_on_commit_callbacks(execute=True):
        search.queue_index(kind=KIND, object_id=3)
    assert ids("treaty") == []


def test_large_match_sets_keep_title_tiers_first_and_paginate_without_gaps(monkeypatch):
    # Above the ranking limit the SQLite backend ranks the title tiers by bm25 and
    # lists the rest newest first; pages must still cover every match exactly once.
    from django.db import connection

    if connection.vendor == "sqlite":
        from sifara.core.search_backends import sqlite

        monkeypatch.setattr(sqlite, "RANK_ALL_LIMIT", 3)
    search.index_many(
        [
            *(
                Document(KIND, i, f"Memo {i}", "water talks and more water talks")
                for i in range(1, 13)
            ),
            Document(KIND, 20, "Water talks", "short"),
            Document(KIND, 21, "Water: notes on the talks", "short"),
            Document(KIND, 22, "Minutes", "they said water talks resumed"),
        ]
    )
    first = search.search(kind=KIND, query="water talks", limit=4)
    assert first.total == 15
    assert [h.object_id for h in first.hits[:2]] == [
        20,
        21,
    ]  # exact title, then all words in the title
    seen = [h.object_id for h in first.hits]
    for offset in (4, 8, 12):
        seen += ids("water talks", limit=4, offset=offset)
    assert sorted(seen) == [*range(1, 13), 20, 21, 22]
    assert all(hit.snippet for hit in first.hits)
    visible = [*range(1, 13), 20, 22]  # 21 is not visible to this user
    hidden = search.search(kind=KIND, query="water talks", limit=4, restrict_to=visible)
    assert hidden.total == 14 and hidden.hits[0].object_id == 20
    seen = [h.object_id for h in hidden.hits]
    for offset in (4, 8, 12):
        seen += ids("water talks", limit=4, offset=offset, restrict_to=visible)
    assert sorted(seen) == visible


def test_rebuild_reindexes_through_the_provider_and_drops_stale_documents():
    store = {1: "Old wording", 2: "Second note", 3: "Gone soon"}
    search.register(KIND, lambda i: Document(KIND, i, store[i], "") if i in store else None)
    for object_id in store:
        search.index_object(kind=KIND, object_id=object_id)
    store[1] = "New wording"
    del store[3]
    assert search.rebuild(kind=KIND, object_ids=[1, 2, 3]) == 2
    assert ids("wording") == [1] and ids("new") == [1] and ids("old") == []
    assert search.search(kind=KIND, query="").total == 2
