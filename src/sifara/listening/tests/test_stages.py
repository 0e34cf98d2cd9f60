"""The analysis stages on their own: normalisation, language, sentiment,
fingerprints and watch-list matching."""

from __future__ import annotations

import pytest

from sifara.core.text import normalize
from sifara.listening import fingerprint as fp
from sifara.listening.language import LanguageIdentifier, language_sample, shortcut
from sifara.listening.matching import Matcher, Term, words_of
from sifara.listening.sentiment import LexiconScorer, TransformerScorer

LANGS = ("ar", "en", "fr", "es", "de", "tr", "fa", "ur", "ru", "zh")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("أعلنت وزارة الخارجية عن برنامج جديد للطلاب", "ar"),
        ("وزیر امور خارجه با سفیر دیدار کرد", "fa"),
        ("وزیر خارجہ نے سفیر سے ملاقات کی", "ur"),
        ("Министр встретился с послом", "ru"),
        ("外交部长与大使会面", "zh"),
        ("The minister said that the embassy will be open for the citizens", "en"),
        ("Le ministre a dit que les étudiants sont dans la salle avec nous", "fr"),
    ],
)
def test_script_and_function_word_shortcuts(text: str, expected: str) -> None:
    assert shortcut(language_sample(text), LANGS) == expected


def test_unclear_text_goes_to_lingua_restricted_to_configured_languages() -> None:
    identifier = LanguageIdentifier(("en", "de"))
    assert identifier.identify(language_sample("Botschaft Berlin Visum Antrag heute")) == "de"
    assert identifier.lingua_calls == 1
    assert identifier.identify(language_sample("Botschaft Berlin Visum Antrag heute")) == "de"
    assert identifier.lingua_calls == 1  # cached
    assert identifier.identify(language_sample("https://x.example 12345 #tag")) == ""


@pytest.mark.parametrize(
    ("text", "language", "label"),
    [
        ("The consulate was excellent and very helpful", "en", "pos"),
        ("The consulate was not helpful at all", "en", "neg"),
        ("The service wasn't good", "en", "neg"),
        ("The minister will travel to Tokyo on Monday", "en", "neu"),
        ("خدمة ممتازة في السفارة، شكرا", "ar", "pos"),
        ("الخدمة ليست جيدة", "ar", "neg"),
        ("والتأخير في التأشيرات أمر مؤسف", "ar", "neg"),
        ("يسافر الوزير إلى طوكيو يوم الاثنين", "ar", "neu"),
        ("Le service était excellent", "fr", ""),
    ],
)
def test_lexicon_sentiment_with_negation(text: str, language: str, label: str) -> None:
    score, found = LexiconScorer().score(normalize(text), language)
    assert found == label
    assert -1.0 <= score <= 1.0


def test_transformer_scorer_says_clearly_when_transformers_is_missing() -> None:
    from django.core.exceptions import ImproperlyConfigured

    try:
        import transformers  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        with pytest.raises(ImproperlyConfigured, match="transformers"):
            TransformerScorer("/models/sentiment").score_many(["text"], ["en"])
    else:  # pragma: no cover - depends on the environment
        pytest.skip("transformers is installed")


def test_near_identical_texts_get_near_fingerprints_and_different_ones_do_not() -> None:
    base = (
        "the ministry is hiding the truth about the visa scandal share this before they delete it"
    )
    variants = [
        base + " #leak @someone",
        base.replace("truth", "facts"),
        "weather in paris today is sunny and warm with light wind later",
    ]
    prints = fp.simhash_batch([fp.clean(normalize(t)) for t in [base, *variants, "too short"]])
    assert prints[0] == prints[1]  # hashtags and mentions left out
    assert fp.hamming(prints[0], prints[2]) <= 16
    assert fp.hamming(prints[0], prints[3]) > fp.NEAR_BITS
    assert prints[4] == 0


def test_matcher_phrases_particles_and_one_match_per_topic() -> None:
    matcher = Matcher(
        [
            Term(1, 10, "وزارة الخارجية"),
            Term(2, 10, "foreign ministry", high_priority=True),
            Term(3, 20, "السفارة"),
            Term(4, 30, "Bonn"),
        ]
    )

    def topics(text: str) -> set[int]:
        return {t.topic_id for t in matcher.match(words_of(normalize(text)))}

    assert topics("بيان وزارة الخارجيّة") == {10}
    assert topics("وزارة المالية والخارجية") == set()  # not the phrase
    assert topics("زرت بالسفارة أمس") == {20}
    assert topics("#للسفارة") == {20}
    assert topics("Foreign-Ministry statement; talks in BONN") == {10, 30}
    assert topics("Bonnet and ministry") == set()
    found = matcher.match(words_of(normalize("foreign ministry and وزارة الخارجية")))
    assert [t.term_id for t in found] == [2]  # the high-priority term wins


def test_per_topic_the_high_priority_then_the_first_term_is_reported() -> None:
    terms = [
        Term(term_id=1, topic_id=1, phrase="visa"),
        Term(term_id=2, topic_id=1, phrase="embassy"),
        Term(term_id=3, topic_id=1, phrase="evacuation", high_priority=True),
    ]
    matcher = Matcher(terms)
    text = words_of(normalize("Embassy visa queue"))
    assert [t.term_id for t in matcher.match(text)] == [1]
    text = words_of(normalize("Embassy evacuation and visa"))
    assert [t.term_id for t in matcher.match(text)] == [3]


def test_the_analysers_fingerprints_are_those_of_the_reference_definition() -> None:
    """The analyser takes a short cut for plain short posts; it must give what
    fingerprint.clean + simhash give for every kind of text."""
    from sifara.listening.sentiment import LexiconScorer
    from sifara.listening.stages import Analyser

    texts = [
        "The ministry welcomed the new trade agreement today 2026",
        "foo_bar 12ab #tag @user http://a.example/c www.x.example end of the story here",
        "نص عربي طويل #وسم_طويل 123 وكلمات أخرى كثيرة هنا في هذا المنشور",
        "Le ministre a rencontré l'ambassadeur pour discuter de la coopération " * 20,
        "short",
    ]
    analyser = Analyser(
        identifier=LanguageIdentifier(LANGS), scorer=LexiconScorer(), matcher=Matcher([])
    )
    result = analyser.analyse_batch(texts)
    assert result.prints == fp.simhash_batch([fp.clean(normalize(t)) for t in texts])
    assert result.prints[0] != 0 and result.prints[-1] == 0


def _clean_by_tokens(normalized: str) -> str:
    """fingerprint.clean as first written: token by token."""
    kept = " ".join(t for t in normalized[: fp.MAX_CHARS].split() if not t.startswith(fp._MARKED))
    return " ".join([w for w in fp.WORDS.findall(kept) if not w.isdigit()])


@pytest.mark.parametrize(
    "text",
    [
        "plain words only here",
        "#tag at the start, @mention\tand https://x.example/a?b=1 then www.site.example end",
        "word#not-a-tag e@mail.example http:no-slashes https:// x www. y",
        "tabs\tand\nnewlines\u00a0no-break\u2003em-space\u3000ideographic #تاغ @مستخدم",
        "السفارة #وزارة_الخارجية تعلن 2026 ١٤٤٧ @user_1 https://t.co/abc",
        "#" * 5 + " @ " + "http" + " www",
        "x" * 590 + " #cut-at-the-limit word",
        "",
    ],
)
def test_clean_in_one_pass_equals_the_token_by_token_definition(text: str) -> None:
    assert fp.clean(normalize(text)) == _clean_by_tokens(normalize(text))
    assert fp.clean(text) == _clean_by_tokens(text)


def _function_words_by_counter(sample: str, languages: tuple[str, ...]) -> str | None:
    from collections import Counter

    from sifara.listening import language as lang

    words = sample.lower().split()
    if len(words) < 3:
        return None
    hits = Counter(filter(None, map(lang._WORD_LANGUAGE.get, words)))
    if not hits:
        return None
    ranked = hits.most_common(2)
    best, best_hits = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0
    if best not in languages:
        return None
    if best_hits >= 2 and best_hits >= 3 * second and best_hits * 8 >= len(words):
        return best
    return None


def _shortcut_by_counts(text: str, languages: tuple[str, ...]) -> str | None:
    """language.shortcut as first written: every script's letters counted."""
    from sifara.listening import language as lang

    sample = text[:240]
    if "http" in sample or "@" in sample or "#" in sample:
        sample = lang._URL_OR_MENTION.sub(" ", sample)
    if not sample.strip():
        return ""
    if sample.isascii():
        return _function_words_by_counter(sample, languages)
    size = len(sample)
    arabic = size - len(lang._ARABIC.sub("", sample))
    latin = size - len(lang._LATIN.sub("", sample))
    if arabic == 0 and latin == 0:
        cyrillic = size - len(lang._CYRILLIC.sub("", sample))
        han = size - len(lang._HAN.sub("", sample))
        if cyrillic > han and "ru" in languages:
            return "ru" if cyrillic * 2 >= size - sample.count(" ") else None
        if han > cyrillic and "zh" in languages:
            return "zh" if han * 2 >= size - sample.count(" ") else None
        return None
    if arabic >= latin * 9:
        letters = set(sample)
        if "ur" in languages and not letters.isdisjoint(lang.URDU_LETTERS):
            return "ur"
        if "fa" in languages and not letters.isdisjoint(lang.PERSIAN_LETTERS):
            return "fa"
        return "ar" if "ar" in languages else None
    if latin >= arabic * 9:
        return _function_words_by_counter(sample, languages)
    return None


def test_the_language_shortcut_decides_as_counting_every_script_would() -> None:
    """shortcut() searches instead of counting where it can; on texts mixing
    scripts and languages in every proportion it must decide as counting would."""
    import random

    rng = random.Random(7)
    pieces = [
        "السفارة",
        "تعلن",
        "the",
        "embassy",
        "and",
        "of",
        "le",
        "et",
        "est",
        "ministre",
        "el",
        "los",
        "und",
        "посол",
        "大使",
        "گفتگو",
        "ملاقات کی",
        "ٹیم",
        "café",
        "١٤٤٧",
        "2026",
        "x",
        "#tag",
        "@who",
    ]
    texts = [" ".join(rng.choices(pieces, k=rng.randint(1, 30))) for _ in range(3000)]
    decided = set()
    for languages in (LANGS, ("ar", "en"), ("en", "fr", "ru")):
        for text in texts:
            found = shortcut(text, languages)
            assert found == _shortcut_by_counts(text, languages), text
            decided.add(found)
    assert {"ar", "ur", "fa", "en", None} <= decided  # the texts reach every branch


def test_the_index_files_fingerprints_under_fingerprint_bands() -> None:
    """NearDuplicateIndex inlines fp.bands() on its hot path: it must file and
    drop each fingerprint under exactly those four bands."""
    import random

    from sifara.listening.grouping import NearDuplicateIndex

    rng = random.Random(3)
    index = NearDuplicateIndex(window_s=3600, max_groups=50)
    prints = [rng.getrandbits(64) - (1 << 63) for _ in range(80)]
    for position, value in enumerate(prints):
        index.new_group(value, float(position), ("x", str(position)), "a")
    kept = prints[-50:]  # the oldest 30 were dropped
    expected: dict[int, list[int]] = {}
    for value in kept:
        for band in fp.bands(value):
            expected.setdefault(band, []).append(value)
    assert index.bands == expected
    near = kept[0] ^ 0b101  # two bits away
    found = index.find(near, 80.0)
    assert found is not None and found.fingerprint == kept[0]
