"""Benchmark: archive full-text search — Sifara's facade against Tantivy and Whoosh.

Usage: python bench/archive_search.py [--docs N] [--quick] [--queries N] [--seed S]
                                      [--no-peers | --peers tantivy,whoosh] [--keep]

Generates a corpus of mixed Arabic/English documents (about 500 words each, a
diplomatic vocabulary with inflections and article/conjunction prefixes, Zipf
word frequencies, names, some documents written with diacritics or tatweel),
and indexes it, in the same run:

* Sifara: the real ``sifara.core.search`` facade (``index_many``, the bulk path
  the archive import uses) on a real SQLite database file (WAL) in a fresh
  temporary data directory, migrated from scratch;
* Tantivy (tantivy-py): Arabic documents in fields analysed with Snowball's
  Arabic stemmer, English ones with Snowball's English stemmer (simple
  tokenizer + lowercase + stemmer), both queried;
* Whoosh (whoosh-reloaded): the same split, LanguageAnalyzer("ar") (ISRI) and
  StemmingAnalyzer (Porter).

It reports indexing throughput, query latency p50/p95 (top 10 with the total
count, snippets for Sifara) for single words, quoted phrases and faceted
queries (a word plus country/year filters, with facet counts), and recall@10
on Arabic spelling-variant queries: each query is a variant (hamza/alef form,
ى/ي, ة/ه, diacritics, tatweel, prefixes and suffixes) of a word planted, in
other variants, in a few known documents and nowhere else.

Nothing is written outside the temporary directory (removed unless --keep).
The last line printed is JSON.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

# --- Vocabulary -------------------------------------------------------------------

AR_FUNCTION = str.split(
    "في من على إلى عن مع أن إن التي الذي هذا هذه ذلك كما قد لا ما كان كانت بين بعد قبل "
    "خلال حول عبر أيضا كل حيث وفي ومن وعلى وقد أو ثم لدى عند منذ حتى غير دون ضمن"
)
AR_CONTENT = str.split(
    "وزارة خارجية وزير سفير سفارة قنصلية بعثة دبلوماسي مفاوضات اتفاق معاهدة تعاون علاقات "
    "ثنائية إقليمي دولي مجلس أمن أمم متحدة قمة اجتماع زيارة رسمية وفد رئيس حكومة برلمان "
    "انتخابات اقتصاد تجارة استثمار طاقة نفط غاز مياه حدود نزاع سلام دفاع عسكري مساعدات "
    "إنسانية لاجئ هجرة حقوق إنسان تنمية مستدامة مناخ بيئة صحة تعليم ثقافة شباب مرأة إعلام "
    "بيان مؤتمر صحفي تصريح موقف دعم تنفيذ متابعة تقرير سنوي ملف قضية مبادرة مشروع برنامج "
    "خطة مرحلة عملية لجنة مشتركة منظمة جامعة دولة عربية اتحاد أوروبي أفريقي خليج شرق أوسط "
    "عاصمة مدينة منطقة شعب مواطن جالية تأشيرة جواز سفر قنصلي خدمات طلب موافقة رفض تمديد "
    "تجديد توقيع مذكرة تفاهم بروتوكول أزمة حوار وساطة مصالحة عقوبات حصار صادرات واردات "
    "ميزانية تمويل قرض منحة بنك صندوق نقد استقرار تضخم نمو بطالة فقر زراعة غذاء أمن "
    "سياحة نقل طيران ميناء سكك طرق اتصالات تقنية رقمنة أمن سيبراني إرهاب تطرف جريمة "
    "حدودي تهريب مخدرات قرصنة بحري ملاحة نووي أسلحة نزع انتشار رقابة تفتيش وكالة "
    "مؤسسة هيئة مستشار مندوب دائم ممثل خاص مبعوث قائم أعمال ملحق عسكري تجاري ثقافي "
    "مراسم بروتوكولي استقبال وداع مأدبة حفل تكريم وسام جائزة منحة دراسية طلاب أكاديمي "
    "بحث دراسة ورقة توصية قرار مشروع قانون تشريع دستور محكمة قضاء عدالة تحكيم "
    "استراتيجية دبلوماسية مستقبل رؤية أولوية أهداف إنجازات تحديات فرص شراكة تحالف "
    "مستشفى مستوى ملتقى مبنى مسؤول شؤون رئاسة آلية أمانة مفوضية مبادئ قيم"
)
EN_FUNCTION = str.split(
    "the of and to in a for on with by that is was as at from this which be has have are "
    "were will its their an it not also between after during about into over under"
)
EN_CONTENT = str.split(
    "ministry foreign affairs minister ambassador embassy consulate mission diplomatic "
    "negotiation agreement treaty cooperation relation bilateral regional international "
    "council security united nation summit meeting visit official delegation president "
    "government parliament election economy trade investment energy oil gas water border "
    "dispute peace defence military aid humanitarian refugee migration right human "
    "development sustainable climate environment health education culture youth women "
    "media statement conference press position support implementation report annual file "
    "issue initiative project programme plan phase process committee joint organisation "
    "league state arab union european african gulf east middle capital city region country "
    "people citizen community visa passport travel consular service request approval "
    "extension renewal signing memorandum understanding protocol crisis dialogue mediation "
    "reconciliation sanction blockade export import budget funding loan grant bank fund "
    "monetary stability inflation growth unemployment poverty agriculture food tourism "
    "transport aviation port railway road telecommunication technology digital cyber "
    "terrorism extremism crime smuggling narcotics piracy maritime navigation nuclear "
    "weapon disarmament proliferation inspection agency institution authority adviser "
    "envoy representative permanent special charge attache ceremony reception banquet "
    "award scholarship student academic research study paper recommendation resolution "
    "law legislation constitution court justice arbitration strategy diplomacy future "
    "vision priority goal achievement challenge opportunity partnership alliance"
)
EN_VERBS = str.split(
    "negotiate sign discuss review welcome condemn support propose implement follow "
    "announce confirm request approve reject extend renew host attend receive deliver"
)
#: Words sharing a stem with a planted variant family: kept out of the corpus so
#: that the planted documents are the only relevant ones.
RESERVED_AR = frozenset(
    str.split(
        "استراتيجية دبلوماسية دبلوماسي مستشفى ملتقى مسؤول شؤون آلية أمانة مؤتمر رئاسة هيئة "
        "إنسانية إنسان تأشيرة مبادرة إقليمي اتفاق أولوية مفوضية سيادة"
    )
)
COUNTRIES = str.split("EG SA AE JO MA TN DZ IQ LB OM QA KW BH FR DE GB US CN JP RU IN BR TR IT ES")
DOC_TYPES = ("cable", "memo", "agreement", "report", "minutes", "statement")
AR_PREFIXES = ("", "", "", "ال", "ال", "وال", "بال", "لل", "و", "ب")
AR_DIACRITICS = "\u064e\u064f\u0650\u0652\u0651\u064b\u064d"

#: Planted words for the spelling-variant set: (doc spellings, query spellings).
#: Each family's words appear only in planted documents. Spellings cover
#: hamza/alef forms, ى/ي, ة/ه, diacritics, tatweel, prefixes and suffixes.
VARIANT_FAMILIES: list[tuple[list[str], list[str]]] = [
    (
        ["إستراتيجيتنا", "الإستراتيجيات", "الإستراتيجية", "بالإستراتيجية"],
        ["استراتيجية", "استراتيجيه"],
    ),
    (["الدبلوماسية", "بالدبلوماسية", "والدبلوماسية"], ["الدبلوماسيه", "دبلوماسية"]),
    (["الاستشفائية", "استشفائية"], ["الإستشفائيه", "استشفائيه"]),
    (["مُلْتَقَى", "الملتقى", "ملتقى"], ["ملتقي", "الملتقي"]),
    (["المسؤولية", "مسؤولية", "بالمسؤولية"], ["مسئولية", "المسئوليه"]),
    (["الأولويات", "أولوية", "الأولوية"], ["اولوية", "الاولويه"]),
    (["إتفاقية", "الاتفاقية", "اتفاقيات"], ["اتفاقيه", "الإتفاقية"]),
    (["الإقليمية", "إقليمية", "والإقليمية"], ["اقليمية", "الاقليميه"]),
    (["المفوضية", "مفوضيـــة", "بالمفوضية"], ["مفوضية", "المفوضيه"]),
    (["آليـة", "الآلية", "آلية"], ["الية", "اليه"]),
    (["مؤتمرات", "المؤتمر", "مؤتمر"], ["المؤتمرات", "بالمؤتمر"]),
    (["شؤون", "الشؤون", "والشؤون"], ["شئون", "الشئون"]),
    (["المستشفى", "مستشفى", "بالمستشفى"], ["مستشفي", "المستشفي"]),
    (["الأمانة", "أمانة", "للأمانة"], ["امانه", "الامانة"]),
    (["السِّيَادَة", "سيادة", "بالسيادة"], ["السيادة", "سياده"]),
    (["الإِنْسَانِيَّة", "إنسانية", "الإنسانية"], ["انسانيه", "الانسانية"]),
    (["التأشيرات", "تأشيرة", "بالتأشيرة"], ["تاشيرة", "التاشيره"]),
    (["الرئاسة", "رئاسة", "للرئاسة"], ["رئاسه", "الرئاسه"]),
    (["المبادرات", "مبادرة", "بالمبادرة"], ["مبادره", "المبادرة"]),
    (["الهيئة", "هيئة", "والهيئة"], ["هيئه", "الهيئه"]),
]
#: Variant words get unique stems by a suffix-free "topic" marker word per family,
#: so that a family's word never occurs outside its planted documents.
PLANTED_PER_QUERY_FAMILY = 5


def _syllable_names(rng: random.Random, count: int) -> tuple[list[str], list[str]]:
    latin = ["ka", "ra", "mi", "lo", "sa", "ta", "ne", "vo", "dan", "bel", "gor", "ish", "ur", "el"]
    arabic = ["كا", "را", "مي", "لو", "سا", "تا", "ني", "فو", "دان", "بيل", "غور", "يش", "ور", "ال"]
    names_en, names_ar = [], []
    for _ in range(count):
        parts = [rng.randrange(len(latin)) for _ in range(rng.choice((2, 3)))]
        names_en.append("".join(latin[p] for p in parts).capitalize())
        names_ar.append("".join(arabic[p] for p in parts))
    return names_en, names_ar


def _inflect_ar(word: str) -> list[str]:
    forms = [word]
    if word.endswith("ة"):
        forms += [word[:-1] + "ات", word[:-1] + "تين"]
    else:
        forms += [word + "ة", word + "ين"]
    return forms


def _inflect_en(word: str) -> list[str]:
    if word.endswith("y"):
        return [word, word[:-1] + "ies"]
    return [word, word + "s"]


def _zipf_weights(n: int, offset: int = 2) -> list[float]:
    return [1.0 / (rank + offset) for rank in range(n)]


@dataclass
class Corpus:
    docs: list[dict[str, Any]]
    single_queries: list[str]
    phrase_queries: list[str]
    facet_queries: list[tuple[str, dict[str, list[str]]]]
    variant_queries: list[tuple[str, set[int]]] = field(default_factory=list)


def build_corpus(n_docs: int, *, seed: int, words: int, n_queries: int) -> Corpus:
    rng = random.Random(seed)
    planted = {w for forms, _ in VARIANT_FAMILIES for w in forms}
    ar_base = [w for w in AR_CONTENT if w not in RESERVED_AR and w not in planted]
    names_en, names_ar = _syllable_names(rng, 4000)
    ar_content = [f for w in ar_base for f in _inflect_ar(w)]
    en_content = [f for w in EN_CONTENT for f in _inflect_en(w)] + [
        f for v in EN_VERBS for f in (v, v + "s", v + "d" if v.endswith("e") else v + "ed")
    ]
    rng.shuffle(ar_content)
    rng.shuffle(en_content)
    # Function words are frequent, content words Zipf-distributed, names rare.
    ar_vocab = AR_FUNCTION + ar_content + names_ar
    en_vocab = EN_FUNCTION + en_content + names_en
    ar_weights = [6.0] * len(AR_FUNCTION) + _zipf_weights(len(ar_content)) + [0.004] * len(names_ar)
    en_weights = [6.0] * len(EN_FUNCTION) + _zipf_weights(len(en_content)) + [0.004] * len(names_en)
    ar_cum = _cumulative(ar_weights)
    en_cum = _cumulative(en_weights)

    docs: list[dict[str, Any]] = []
    for i in range(1, n_docs + 1):
        roll = rng.random()
        language = "ar" if roll < 0.55 else "en" if roll < 0.9 else "mixed"
        n_words = max(50, int(rng.gauss(words, words / 5)))
        if language == "ar":
            body_words = _arabic_words(rng, ar_vocab, ar_cum, n_words)
        elif language == "en":
            body_words = rng.choices(en_vocab, cum_weights=en_cum, k=n_words)
        else:
            half = n_words // 2
            body_words = _arabic_words(rng, ar_vocab, ar_cum, half) + rng.choices(
                en_vocab, cum_weights=en_cum, k=n_words - half
            )
        if language != "en" and rng.random() < 0.15:  # some texts carry diacritics / tatweel
            body_words = [_decorate(rng, w) if rng.random() < 0.3 else w for w in body_words]
        title_pool = ar_content if language == "ar" else en_content
        title = " ".join(rng.choice(title_pool) for _ in range(rng.randint(3, 7)))
        docs.append(
            {
                "id": i,
                "language": "ar" if language == "ar" else "en" if language == "en" else "",
                "title": title,
                "body": _sentences(rng, body_words),
                "country": rng.sample(COUNTRIES, rng.choice((1, 1, 2))),
                "year": str(rng.randint(2012, 2026)),
                "type": rng.choice(DOC_TYPES),
            }
        )

    # Spelling-variant set: plant each family's doc spellings into known documents.
    variant_queries: list[tuple[str, set[int]]] = []
    for doc_forms, query_forms in VARIANT_FAMILIES:
        targets = rng.sample(range(n_docs), min(PLANTED_PER_QUERY_FAMILY, n_docs))
        for k, target in enumerate(targets):
            doc = docs[target]
            words_ = doc["body"].split(" ")
            pos = rng.randrange(len(words_))
            words_.insert(pos, doc_forms[k % len(doc_forms)])
            doc["body"] = " ".join(words_)
        relevant = {docs[t]["id"] for t in targets}
        for query in query_forms:
            variant_queries.append((query, relevant))

    content = [w for w in ar_content + en_content if len(w) > 3]
    single = [rng.choice(content[: len(content) // 2]) for _ in range(n_queries // 2)]
    single += [rng.choice(names_ar + names_en) for _ in range(n_queries - len(single))]
    phrases = []
    while len(phrases) < n_queries:
        doc = rng.choice(docs)
        tokens = [t.strip(".,،؛") for t in doc["body"].split(" ")]
        pos = rng.randrange(len(tokens) - 2)
        pair = tokens[pos : pos + 2]
        if all(t and t not in AR_FUNCTION and t not in EN_FUNCTION for t in pair):
            phrases.append(" ".join(pair))
    facet_queries = []
    for _ in range(n_queries):
        facets = {"country": rng.sample(COUNTRIES, 2)}
        if rng.random() < 0.5:
            facets["year"] = [str(rng.randint(2012, 2026))]
        facet_queries.append((rng.choice(content[: len(content) // 2]), facets))
    return Corpus(docs, single, phrases, facet_queries, variant_queries)


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


def _arabic_words(rng: random.Random, vocab: list[str], cum: list[float], n: int) -> list[str]:
    out = rng.choices(vocab, cum_weights=cum, k=n)
    prefixes = rng.choices(AR_PREFIXES, k=n)
    return [
        p + w if p and len(w) > 3 and not w.startswith("ال") else w
        for p, w in zip(prefixes, out, strict=True)
    ]


def _decorate(rng: random.Random, word: str) -> str:
    if rng.random() < 0.2 and len(word) > 3:
        cut = rng.randrange(1, len(word) - 1)
        return word[:cut] + "\u0640\u0640" + word[cut:]
    return "".join(c + (rng.choice(AR_DIACRITICS) if rng.random() < 0.5 else "") for c in word)


def _sentences(rng: random.Random, words: list[str]) -> str:
    out, count = [], 0
    for word in words:
        out.append(word)
        count += 1
        if count > 8 and rng.random() < 0.08:
            out[-1] += "." if word.isascii() else "،"
            count = 0
    return " ".join(out)


# --- Engines ------------------------------------------------------------------------------


class Engine:
    name = ""

    def index(self, docs: list[dict[str, Any]]) -> None:
        raise NotImplementedError

    def search(
        self, query: str, *, facets: dict[str, list[str]] | None = None, phrase: bool = False
    ) -> list[int]:
        raise NotImplementedError

    def close(self) -> None:
        pass


class SifaraEngine(Engine):
    name = "sifara"

    def __init__(self, data_dir: Path) -> None:
        os.environ["SIFARA_DATA_DIR"] = str(data_dir)
        os.environ["DJANGO_SETTINGS_MODULE"] = "sifara.settings.embedded"
        os.environ.pop("DATABASE_URL", None)
        os.environ.pop("SIFARA_REDIS_URL", None)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        assert connection.vendor == "sqlite"
        from sifara.core import search

        self.search_module = search
        self.db_file = Path(str(connection.settings_dict["NAME"]))

    def index(self, docs: list[dict[str, Any]]) -> None:
        document = self.search_module.Document
        self.search_module.index_many(
            (
                document(
                    kind="archive.bench",
                    object_id=d["id"],
                    title=d["title"],
                    body=d["body"],
                    language=d["language"],
                    facets={"country": d["country"], "year": [d["year"]], "type": [d["type"]]},
                )
                for d in docs
            ),
            batch_size=1000,
        )

    def search(
        self, query: str, *, facets: dict[str, list[str]] | None = None, phrase: bool = False
    ) -> list[int]:
        results = self.search_module.search(
            kind="archive.bench",
            query=f'"{query}"' if phrase else query,
            facets=facets,
            limit=10,
            count_facets=facets is not None,
        )
        return [hit.object_id for hit in results.hits]


class TantivyEngine(Engine):
    name = "tantivy"

    def __init__(self, path: Path) -> None:
        import tantivy
        from tantivy import Filter, TextAnalyzerBuilder, Tokenizer

        self.t = tantivy
        builder = tantivy.SchemaBuilder()
        builder.add_integer_field("id", stored=True, indexed=True, fast=True)
        for lang in ("ar", "en"):
            builder.add_text_field(f"title_{lang}", stored=False, tokenizer_name=lang)
            builder.add_text_field(f"body_{lang}", stored=True, tokenizer_name=lang)
        builder.add_text_field("country", stored=False, tokenizer_name="raw", fast=True)
        builder.add_text_field("year", stored=False, tokenizer_name="raw", fast=True)
        self.schema = builder.build()
        path.mkdir(parents=True, exist_ok=True)
        self.index_ = tantivy.Index(self.schema, path=str(path))
        for lang, snowball in (("ar", "arabic"), ("en", "english")):
            self.index_.register_tokenizer(
                lang,
                TextAnalyzerBuilder(Tokenizer.simple())
                .filter(Filter.lowercase())
                .filter(Filter.stemmer(snowball))
                .build(),
            )
        self.fields = ["title_ar", "body_ar", "title_en", "body_en"]
        self.boosts = {"title_ar": 4.0, "title_en": 4.0}

    def index(self, docs: list[dict[str, Any]]) -> None:
        writer = self.index_.writer(heap_size=512_000_000)
        for d in docs:
            doc = self.t.Document(id=d["id"], country=d["country"], year=d["year"])
            langs = ["ar", "en"] if d["language"] == "" else [d["language"]]
            for lang in langs:
                doc.add_text(f"title_{lang}", d["title"])
                doc.add_text(f"body_{lang}", d["body"])
            writer.add_document(doc)
        writer.commit()
        writer.wait_merging_threads()
        self.index_.reload()
        self.searcher = self.index_.searcher()

    def search(
        self, query: str, *, facets: dict[str, list[str]] | None = None, phrase: bool = False
    ) -> list[int]:
        t = self.t
        text = f'"{query}"' if phrase else query
        parsed = self.index_.parse_query(
            text, self.fields, field_boosts=self.boosts, conjunction_by_default=True
        )
        if facets:
            clauses = [(t.Occur.Must, parsed)]
            for name, values in facets.items():
                either = [
                    (t.Occur.Should, t.Query.term_query(self.schema, name, v)) for v in values
                ]
                clauses.append((t.Occur.Must, t.Query.boolean_query(either)))
            parsed = t.Query.boolean_query(clauses)
            self.searcher.aggregate(
                parsed,
                {
                    "country": {"terms": {"field": "country", "size": 100}},
                    "year": {"terms": {"field": "year", "size": 100}},
                },
            )
        result = self.searcher.search(parsed, limit=10, count=True)
        return [self.searcher.doc(address)["id"][0] for _, address in result.hits]


class WhooshEngine(Engine):
    name = "whoosh"

    def __init__(self, path: Path) -> None:
        from whoosh import fields, index
        from whoosh.analysis import LanguageAnalyzer, StemmingAnalyzer

        schema = fields.Schema(
            id=fields.NUMERIC(stored=True, unique=True),
            title_ar=fields.TEXT(analyzer=LanguageAnalyzer("ar"), field_boost=4.0),
            body_ar=fields.TEXT(analyzer=LanguageAnalyzer("ar")),
            title_en=fields.TEXT(analyzer=StemmingAnalyzer(), field_boost=4.0),
            body_en=fields.TEXT(analyzer=StemmingAnalyzer()),
            country=fields.KEYWORD(commas=True, stored=False),
            year=fields.ID(),
        )
        path.mkdir(parents=True, exist_ok=True)
        self.ix = index.create_in(str(path), schema)

    def index(self, docs: list[dict[str, Any]]) -> None:
        from whoosh.qparser import AndGroup, MultifieldParser

        writer = self.ix.writer(limitmb=512)
        for d in docs:
            fields_: dict[str, Any] = {
                "id": d["id"],
                "country": ",".join(d["country"]),
                "year": d["year"],
            }
            langs = ["ar", "en"] if d["language"] == "" else [d["language"]]
            for lang in langs:
                fields_[f"title_{lang}"] = d["title"]
                fields_[f"body_{lang}"] = d["body"]
            writer.add_document(**fields_)
        writer.commit()
        self.searcher = self.ix.searcher()
        self.parser = MultifieldParser(
            ["title_ar", "body_ar", "title_en", "body_en"], self.ix.schema, group=AndGroup
        )

    def search(
        self, query: str, *, facets: dict[str, list[str]] | None = None, phrase: bool = False
    ) -> list[int]:
        from whoosh import query as wq
        from whoosh.sorting import FieldFacet

        parsed = self.parser.parse(f'"{query}"' if phrase else query)
        if facets:
            filters = wq.And(
                [wq.Or([wq.Term(name, v) for v in values]) for name, values in facets.items()]
            )
            results = self.searcher.search(
                parsed,
                limit=10,
                filter=filters,
                groupedby=[FieldFacet("country", allow_overlap=True), FieldFacet("year")],
            )
            results.groups("country")
        else:
            results = self.searcher.search(parsed, limit=10)
        len(results)  # the total, as the others report it
        return [hit["id"] for hit in results]

    def close(self) -> None:
        self.searcher.close()


# --- Measurement ------------------------------------------------------------------------------


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(engine: Engine, corpus: Corpus) -> dict[str, Any]:
    gc.collect()
    start = time.perf_counter()
    engine.index(corpus.docs)
    index_s = time.perf_counter() - start
    figures: dict[str, Any] = {
        "index_s": round(index_s, 2),
        "index_docs_per_s": round(len(corpus.docs) / index_s, 1),
    }
    every: list[float] = []
    every_cpu: list[float] = []
    runs: list[tuple[str, list[tuple[str, dict[str, list[str]] | None, bool]]]] = [
        ("single", [(q, None, False) for q in corpus.single_queries]),
        ("phrase", [(q, None, True) for q in corpus.phrase_queries]),
        ("faceted", [(q, f, False) for q, f in corpus.facet_queries]),
    ]
    for label, queries in runs:
        for q, f, p in queries[:5]:  # warm caches
            engine.search(q, facets=f, phrase=p)
        timings, cpu = [], []
        for q, f, p in queries:
            c0, t0 = time.process_time(), time.perf_counter()
            engine.search(q, facets=f, phrase=p)
            timings.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        every += timings
        every_cpu += cpu
        figures[f"{label}_p50_ms"] = round(statistics.median(timings), 2)
        figures[f"{label}_p95_ms"] = round(_percentile(timings, 0.95), 2)
        figures[f"{label}_cpu_p95_ms"] = round(_percentile(cpu, 0.95), 2)
    figures["query_p50_ms"] = round(statistics.median(every), 2)
    figures["query_p95_ms"] = round(_percentile(every, 0.95), 2)
    # CPU time of this process (all its threads): the work itself, whatever else
    # the machine runs meanwhile (wall-clock figures above include waiting for a core).
    figures["query_cpu_p50_ms"] = round(statistics.median(every_cpu), 2)
    figures["query_cpu_p95_ms"] = round(_percentile(every_cpu, 0.95), 2)
    recalls = []
    for query, relevant in corpus.variant_queries:
        found = set(engine.search(query))
        recalls.append(len(found & relevant) / len(relevant))
    figures["recall_at_10"] = round(statistics.fmean(recalls), 3) if recalls else None
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="2,000 documents, 40 queries a set")
    parser.add_argument("--queries", type=int, default=200, help="queries per set")
    parser.add_argument("--words", type=int, default=500, help="mean words per document")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--no-peers", action="store_true", help="Sifara only")
    parser.add_argument(
        "--peers",
        default="tantivy,whoosh",
        help="comma-separated peers to run (default: tantivy,whoosh)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    n_docs = 2000 if args.quick else args.docs
    n_queries = 40 if args.quick else args.queries

    work = Path(tempfile.mkdtemp(prefix="sifara-bench-search-"))
    try:
        t0 = time.perf_counter()
        corpus = build_corpus(n_docs, seed=args.seed, words=args.words, n_queries=n_queries)
        mb = sum(len(d["body"]) + len(d["title"]) for d in corpus.docs) / 1e6
        print(
            f"corpus: {n_docs} documents, {mb:.0f} M characters, generated in"
            f" {time.perf_counter() - t0:.1f} s; {len(corpus.variant_queries)} variant queries"
        )
        gc.collect()
        gc.freeze()  # the corpus is long-lived: keep the collector off it for every engine
        engines: list[tuple[str, Callable[[], Engine]]] = [
            ("sifara", lambda: SifaraEngine(work / "sifara"))
        ]
        peers = {
            "tantivy": lambda: TantivyEngine(work / "tantivy"),
            "whoosh": lambda: WhooshEngine(work / "whoosh"),
        }
        if not args.no_peers:
            engines += [(name, peers[name]) for name in args.peers.split(",") if name in peers]
        results: dict[str, dict[str, Any]] = {}
        for name, make in engines:
            engine = make()
            results[name] = figures = measure(engine, corpus)
            engine.close()
            if isinstance(engine, SifaraEngine):
                figures["db_mb"] = round(engine.db_file.stat().st_size / 1e6, 1)
            print(f"{name:8s} " + " ".join(f"{k}={v}" for k, v in figures.items()), flush=True)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    line: dict[str, Any] = {
        "benchmark": "archive_search",
        "docs": n_docs,
        "database": "sqlite",
        "cpus": os.cpu_count(),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }
    line.update(results["sifara"])
    for peer in ("tantivy", "whoosh"):
        for key, value in results.get(peer, {}).items():
            line[f"{peer}_{key}"] = value
    print(json.dumps(line, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
