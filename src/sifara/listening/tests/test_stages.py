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
