"""Demo content of listening analysis (loaded by ``sifara demo``; idempotent).

A week of fictional public posts about the fictional ministry, ending when the
demo is loaded, in Arabic, English and French, generated from a fixed seed and
stored through the ingest pipeline (language, sentiment, watch-lists,
near-duplicate clusters and roll-ups are the pipeline's own). On top of it:

* two statements on a regional water agreement, the second with a strong
  reaction curve to compare with the first;
* a visa-system outage that makes posts about consular services spike and turn
  negative, and the alerts it raised (the alert rules are replayed hour by
  hour over the week, as if they had been running);
* a false claim (the embassy building in London "sold") with its rebuttal in
  Arabic and English and the posts spreading it;
* a copy-paste campaign: forty accounts posting the same text in half an hour.

Re-running changes nothing once the demo source holds posts.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import TextIO

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from sifara.analysis import services
from sifara.analysis.models import AlertKind, AlertRule, Claim, Statement
from sifara.directory.models import Unit, User
from sifara.listening.models import Platform, Post, PostMatch, Source, WatchTopic
from sifara.listening.types import RawItem

SOURCE_NAME = "demo-week"
SEED = 20261122
#: Background posts an hour at the busiest time of day (HQ afternoon).
PEAK_RATE = 70
HQ_UNIT = "hq-digital"
ANALYST = "analyst.hq"

TOPICS: list[tuple[str, str, list[tuple[str, bool]]]] = [
    (
        "The ministry",
        "الوزارة",
        [
            ("foreign ministry", False),
            ("ministry", False),
            ("وزارة الخارجية", False),
            ("الخارجية", False),
            ("ministère", False),
            ("embassy", False),
            ("السفارة", False),
            ("ambassade", False),
        ],
    ),
    (
        "Consular services",
        "الخدمات القنصلية",
        [
            ("visa", False),
            ("تأشيرة", False),
            ("التأشيرات", False),
            ("passport", False),
            ("جواز السفر", False),
            ("consulate", False),
            ("القنصلية", False),
            ("evacuation", True),
            ("إجلاء", True),
        ],
    ),
    (
        "Regional water agreement",
        "اتفاقية المياه الإقليمية",
        [("water agreement", False), ("اتفاقية المياه", False), ("accord sur l'eau", False)],
    ),
]

# --- text material ----------------------------------------------------------------
EN_OPEN = [
    "Just read that",
    "Interesting:",
    "Thread:",
    "Worth noting that",
    "So apparently",
    "Update:",
    "Reminder:",
    "Today",
    "Breaking:",
    "FYI",
    "Honestly,",
    "Good to see that",
]
EN_BODY_MINISTRY = [
    "the foreign ministry opened a new cultural centre in Lisbon",
    "the embassy is hosting an open day for students next week",
    "the ministry published its annual report on development aid",
    "our embassy in Nairobi is recruiting local staff",
    "the foreign ministry's spokesperson answered questions on trade",
    "the ministry signed a scholarship programme with three universities",
    "the embassy choir performed at the national day reception",
    "the ministry launched a podcast on diplomacy history",
    "the embassy extended its opening hours during the holidays",
    "the foreign ministry is sending a delegation to the climate talks",
]
EN_BODY_CONSULAR = [
    "visa appointments are available again in Paris",
    "the consulate in Dubai now accepts online passport renewals",
    "passport collection takes about ten days this month",
    "the consulate answered my visa question within a day",
    "students can apply for the visa online from Monday",
]
EN_CLOSE = [
    "",
    "Good news.",
    "Well done.",
    "Thanks for the update.",
    "Let's see.",
    "Details on their site.",
    "Curious how this goes.",
    "Not sure what to think.",
    "Great initiative.",
    "Makes sense.",
]
AR_OPEN = ["عاجل:", "خبر:", "للعلم،", "اليوم", "متابعة:", "بحسب المصادر،", "تنويه:", "لافت أن", ""]
AR_BODY_MINISTRY = [
    "وزارة الخارجية تفتتح مركزا ثقافيا جديدا في لشبونة",
    "السفارة تنظم يوما مفتوحا للطلاب الأسبوع المقبل",
    "الخارجية تصدر تقريرها السنوي عن المساعدات الإنمائية",
    "السفارة في نيروبي تعلن عن وظائف للموظفين المحليين",
    "المتحدث باسم وزارة الخارجية يجيب عن أسئلة التجارة",
    "الوزارة توقع برنامج منح دراسية مع ثلاث جامعات",
    "السفارة تحتفل باليوم الوطني بحضور الجالية",
    "وزارة الخارجية تطلق بودكاست عن تاريخ الدبلوماسية",
    "الخارجية ترسل وفدا إلى مفاوضات المناخ",
    "السفارة تمدد ساعات العمل خلال العطلة",
]
AR_BODY_CONSULAR = [
    "مواعيد التأشيرة متاحة من جديد في باريس",
    "القنصلية في دبي تقبل تجديد جواز السفر إلكترونيا",
    "استلام جواز السفر يستغرق عشرة أيام هذا الشهر",
    "القنصلية ردت على استفساري بشأن التأشيرة خلال يوم",
]
AR_CLOSE = [
    "",
    "شكرا للجهود.",
    "خطوة ممتازة.",
    "ننتظر التفاصيل.",
    "بالتوفيق.",
    "مبادرة طيبة.",
    "نتابع.",
]
FR_OPEN = ["À noter :", "Aujourd'hui", "Info :", "Selon la presse,", "Bonne nouvelle :", ""]
FR_BODY = [
    "le ministère ouvre un centre culturel à Lisbonne",
    "l'ambassade organise une journée portes ouvertes pour les étudiants",
    "le ministère publie son rapport annuel sur l'aide au développement",
    "l'ambassade recrute du personnel local à Nairobi",
    "le ministère lance un podcast sur l'histoire de la diplomatie",
    "le consulat accepte désormais les renouvellements de passeport en ligne",
]
FR_CLOSE = ["", "À suivre.", "Merci pour l'info.", "Intéressant.", "Bravo."]
TAGS = ["", "", "", "#diplomacy", "#MFA", "#news", "#الخارجية", "#دبلوماسية", "#Diplomatie"]

# Outage spike (negative, consular topic)
SPIKE_EN = [
    "The visa appointment system is down again, terrible service, total chaos",
    "Three hours trying to book a visa appointment and the site keeps failing. Shameful",
    "Visa portal crashed right before my flight. Angry and disappointed",
    "Is anyone else stuck? The visa site is a disaster today",
    "Unacceptable: the consulate visa system failure ruins my trip",
]
SPIKE_AR = [
    "نظام مواعيد التأشيرة معطل مرة أخرى، خدمة سيئة وفوضى",
    "فشل موقع التأشيرات قبل سفري بيوم، أمر مخيب ومحزن",
    "كارثة: لا أستطيع حجز موعد تأشيرة منذ الصباح",
    "غضب بين المسافرين بعد تعطل نظام التأشيرة في القنصلية",
]
SPIKE_FR = [
    "Le système de rendez-vous pour le visa est en panne, c'est le chaos",
    "Impossible de réserver un visa aujourd'hui, le site du consulat plante",
]

# Statement reactions
REACT_EN_POS = [
    "Historic day: the water agreement is signed. Congratulations to all negotiators",
    "Welcome news on the regional water agreement, a great success for cooperation",
    "Proud of our diplomats for the water agreement",
    "The water agreement is excellent news for farmers in the valley",
]
REACT_EN_NEG = [
    "The water agreement gives away too much, a failure for our farmers",
    "Disappointed by the water agreement, the terms are bad",
]
REACT_EN_NEU = [
    "What does the water agreement mean for the dam project?",
    "Full text of the water agreement is on the ministry website",
    "Analysis: five points in the water agreement",
]
REACT_AR = [
    "نرحب باتفاقية المياه الإقليمية، إنجاز تاريخي للدبلوماسية",
    "اتفاقية المياه خطوة ممتازة نحو التعاون في المنطقة",
    "شكرا للمفاوضين على اتفاقية المياه",
    "ما تفاصيل اتفاقية المياه بالنسبة للمزارعين؟",
    "اتفاقية المياه مخيبة للآمال ولا تحمي حقوقنا",
]
REACT_FR = [
    "L'accord sur l'eau est signé, une étape historique",
    "Que change l'accord sur l'eau pour les agriculteurs ?",
]

# The claim, spread in paraphrases
CLAIM_EN = "The ministry secretly sold the embassy building in London to a private company."
CLAIM_AR = "باعت الوزارة سرا مبنى السفارة في لندن لشركة خاصة."
CLAIM_SPREAD_EN = [
    "BREAKING: ministry secretly sold the London embassy building to a private company!",
    "So the ministry sold our embassy building in London to some private company?? Scandal",
    "They secretly sold the embassy building in London to a private company. Who benefits?",
    "Reports say the embassy building in London was sold secretly by the ministry to a company",
]
CLAIM_SPREAD_AR = [
    "عاجل: الوزارة باعت مبنى السفارة في لندن سرا لشركة خاصة",
    "فضيحة: بيع مبنى السفارة في لندن لشركة خاصة دون إعلان",
    "هل صحيح أن الوزارة باعت مبنى سفارتها في لندن لشركة خاصة سرا؟",
]
CLAIM_SPREAD_FR = [
    "Le ministère aurait vendu en secret le bâtiment de l'ambassade à Londres à une société privée",
]
CAMPAIGN_TEXT = (
    "They lied! The ministry sold the London embassy building to a private company. "
    "Share before they delete it #EmbassyForSale"
)

BURST_OPEN = {
    "en": [
        "",
        "Ugh.",
        "Seriously?",
        "Wow.",
        "Hmm,",
        "OK so",
        "Day 2:",
        "Honestly",
        "Look:",
        "Again:",
        "My cousin says",
        "Reading now:",
        "Quick take:",
        "As expected,",
    ],
    "ar": [
        "",
        "يا جماعة،",
        "للأسف",
        "بصراحة",
        "مرة أخرى",
        "أخيرا",
        "اليوم",
        "سؤال:",
        "رأيي:",
        "كما توقعنا،",
        "من جديد،",
        "حسب ما قرأت،",
    ],
    "fr": ["", "Franchement,", "Encore :", "Bon,", "Alors", "Vu ce matin :", "Question :", "Bref,"],
}
BURST_CLOSE = {
    "en": [
        "",
        "Anyone else?",
        "Thoughts?",
        "Unbelievable.",
        "We'll see.",
        "Please share.",
        "Source in replies.",
        "More soon.",
        "Via @newsdesk",
        "Sigh.",
        "Follow for updates.",
    ],
    "ar": [
        "",
        "ما رأيكم؟",
        "شاركوا.",
        "لا تعليق.",
        "سنرى.",
        "التفاصيل لاحقا.",
        "المصدر في الرد.",
        "متابعون؟",
        "يا للأسف.",
    ],
    "fr": ["", "Qu'en pensez-vous ?", "À suivre.", "Incroyable.", "On verra.", "Partagez."],
}

EN_COUNTRIES = ["GB", "US", "US", "CA", "AU", "IE", "GB", ""]
AR_COUNTRIES = ["EG", "SA", "AE", "JO", "MA", "LB", "QA", "KW", ""]
FR_COUNTRIES = ["FR", "FR", "BE", "CA", "SN", "MA", ""]


def _pick(material: list[tuple[str, list[str], float]], roll: float) -> tuple[str, list[str]]:
    """The (language, texts) whose share of the mix holds ``roll`` (0..1)."""
    for language, texts, share in material:
        if roll < share:
            return language, texts
        roll -= share
    return material[-1][0], material[-1][1]


class _Gen:
    def __init__(self, now: datetime, *, rate: int = PEAK_RATE) -> None:
        self.rng = random.Random(SEED)
        self.rate = rate
        self.now = now
        self.start = now - timedelta(days=7)
        self.count = 0
        self.authors = {
            "en": [f"{w}_{i}" for i in range(120) for w in ["news", "reader", "analyst", "expat"]],
            "ar": [f"ar_{w}{i}" for i in range(150) for w in ["mutabi", "rasid", "sawt"]],
            "fr": [f"fr_{w}{i}" for i in range(80) for w in ["lecteur", "info"]],
        }

    def _item(self, text: str, at: datetime, language: str, *, author: str = "") -> RawItem:
        self.count += 1
        rng = self.rng
        countries = {"en": EN_COUNTRIES, "ar": AR_COUNTRIES, "fr": FR_COUNTRIES}[language]
        handle = author or rng.choice(self.authors[language])
        external_id = f"demo-{self.count:06d}"
        return RawItem(
            platform=Platform.X,
            external_id=external_id,
            text=text,
            published_at=at,
            url=f"https://x.example/{handle}/status/{external_id}",
            author_handle=handle,
            author_name=handle.replace("_", " ").title(),
            language_hint=language,
            country=rng.choice(countries),
            reach=int(rng.paretovariate(1.2) * 150),
        )

    def _text(self, language: str) -> str:
        rng = self.rng
        if language == "en":
            body = rng.choice(EN_BODY_CONSULAR if rng.random() < 0.2 else EN_BODY_MINISTRY)
            parts = [rng.choice(EN_OPEN), body + ".", rng.choice(EN_CLOSE), rng.choice(TAGS)]
        elif language == "ar":
            body = rng.choice(AR_BODY_CONSULAR if rng.random() < 0.2 else AR_BODY_MINISTRY)
            parts = [rng.choice(AR_OPEN), body + ".", rng.choice(AR_CLOSE), rng.choice(TAGS)]
        else:
            parts = [rng.choice(FR_OPEN), rng.choice(FR_BODY) + ".", rng.choice(FR_CLOSE)]
        # a little noise so that background posts are not near-duplicates of each other
        parts.append(rng.choice(["", "", f"({rng.randint(2, 99)})", "👍", "🤔", "…", "!!"]))
        parts.append(rng.choice(["", "", "", f"@{rng.choice(self.authors[language])}"]))
        return " ".join(p for p in parts if p)

    def _language(self) -> str:
        roll = self.rng.random()
        return "ar" if roll < 0.55 else "en" if roll < 0.85 else "fr"

    def background(self) -> Iterator[RawItem]:
        from sifara.analysis.selectors import hq_zone

        zone = hq_zone()
        hour = self.start.replace(minute=0, second=0, microsecond=0)
        while hour < self.now:
            local = hour.astimezone(zone).hour
            # quiet at night, busy in the afternoon (HQ time)
            weight = 0.15 + 0.85 * max(0.0, 1 - abs(local - 15) / 9)
            for _ in range(
                self.rng.randint(int(self.rate * weight * 0.8), int(self.rate * weight) + 1)
            ):
                at = hour + timedelta(seconds=self.rng.randint(0, 3599))
                if self.start <= at < self.now:
                    language = self._language()
                    yield self._item(self._text(language), at, language)
            hour += timedelta(hours=1)

    def burst(
        self,
        *,
        start: datetime,
        hours: float,
        total: int,
        material: list[tuple[str, list[str], float]],
        peak_at: float = 0.3,
    ) -> Iterator[RawItem]:
        """``total`` posts over ``hours``: a fast rise to a peak ``peak_at`` of the
        way in, then a long tail (a gamma curve, as reactions online decay)."""
        rng = self.rng
        for _ in range(total):
            offset = min(rng.gammavariate(2.0, hours * peak_at), hours) * 3600
            at = start + timedelta(seconds=offset)
            if at >= self.now:
                continue
            language, texts = _pick(material, rng.random())
            opener = rng.choice(BURST_OPEN[language])
            closer = rng.choice(BURST_CLOSE[language])
            text = " ".join(p for p in (opener, rng.choice(texts), closer) if p)
            suffix = rng.choice(["", f" {rng.choice(TAGS)}", " !", f" ({rng.randint(1, 99)})"])
            yield self._item(text + suffix, at, language)

    def campaign(self, *, start: datetime, accounts: int) -> Iterator[RawItem]:
        for index in range(accounts):
            at = start + timedelta(seconds=self.rng.randint(0, 1800))
            yield self._item(
                CAMPAIGN_TEXT, at, "en", author=f"patriot_{self.rng.randint(1000, 9999)}_{index}"
            )


def _topics(unit: Unit) -> None:
    from sifara.listening.services import watch_term_add, watch_topic_create

    for name_en, name_ar, terms in TOPICS:
        topic = WatchTopic.objects.filter(name_en=name_en).first()
        if topic is None:
            topic = watch_topic_create(
                actor=None,
                name_en=name_en,
                name_ar=name_ar,
                owner_unit=unit,
            )
        for text, high in terms:
            watch_term_add(actor=None, topic=topic, text=text, is_high_priority=high)


def _rules(actor: User, unit: Unit, *, scale: float = 1.0) -> list[AlertRule]:
    """The demo's alert rules; volume minimums follow the demo's ``scale`` (a
    quarter-size week needs a quarter of the posts to count as a spike)."""
    consular = WatchTopic.objects.get(name_en="Consular services")
    wanted = [
        (
            "Consular services: volume spike (hour vs. previous 12 h)",
            AlertKind.VOLUME_SPIKE,
            consular,
            1,
            12,
            3.0,
            40,
        ),
        (
            "Consular services: negative sentiment spike",
            AlertKind.NEGATIVE_SPIKE,
            consular,
            1,
            12,
            3.0,
            25,
        ),
        (
            "All posts: busy day (day vs. previous 14 days)",
            AlertKind.VOLUME_SPIKE,
            None,
            24,
            336,
            2.0,
            500,
        ),
        ("High-priority terms (evacuation)", AlertKind.PRIORITY_TERM, consular, 1, 12, 3.0, 1),
        ("New copy-paste campaigns", AlertKind.NEW_CLUSTER, None, 1, 12, 3.0, 1),
    ]
    rules = []
    for name, kind, topic, window, baseline, ratio, minimum in wanted:
        if minimum > 1:
            minimum = max(2, round(minimum * scale))
        rule = AlertRule.objects.filter(unit=unit, name=name).first()
        if rule is None:
            rule = services.rule_create(
                actor=actor,
                data=services.RuleData(
                    unit=unit,
                    name=name,
                    kind=kind,
                    topic=topic,
                    window_hours=window,
                    baseline_hours=baseline,
                    threshold_ratio=ratio,
                    min_posts=minimum,
                    cooldown_minutes=180,
                    notify_email=False,
                ),
            )
        rules.append(rule)
    return rules


def load_demo(*, out: TextIO) -> None:
    """Load a week of listening data ending now (skipped if already loaded)."""
    _load(out=out, now=timezone.now())


def _load(*, out: TextIO, now: datetime, scale: float = 1.0) -> None:
    from sifara.listening import pipeline

    source = Source.objects.filter(name=SOURCE_NAME).first()
    if source is not None and Post.objects.filter(source=source).exists():
        out.write("Listening demo: already loaded.\n")
        return
    unit = Unit.objects.filter(code=HQ_UNIT).first()
    actor = User.objects.filter(username=ANALYST).first()
    if unit is None or actor is None:
        out.write("Listening demo: skipped (the demo organisation is not loaded).\n")
        return
    started = time.monotonic()
    now = now.replace(second=0, microsecond=0)
    if source is None:
        source = Source.objects.create(
            name=SOURCE_NAME, title="Demo: a week of public posts", platform=Platform.X
        )
    _topics(unit)
    cursor = PostMatch.objects.aggregate(m=Max("id"))["m"] or 0

    gen = _Gen(now, rate=max(4, int(PEAK_RATE * scale)))
    items = list(gen.background())
    day = timedelta(days=1)
    first_statement_at = (now - 6 * day).replace(minute=0) - timedelta(hours=2)
    statement_at = (now - 3 * day).replace(minute=0) - timedelta(hours=5)
    # On a clock-hour boundary: spike rules compare whole clock hours.
    spike_at = (now - timedelta(hours=20)).replace(minute=0, second=0, microsecond=0)
    claim_at = now - 2 * day - timedelta(hours=4)
    campaign_at = now - day - timedelta(hours=3)

    def n(total: int) -> int:
        return max(10, int(total * scale))

    items += gen.burst(
        start=first_statement_at,
        hours=30,
        total=n(350),
        material=[
            ("en", REACT_EN_NEU + REACT_EN_POS, 0.5),
            ("ar", REACT_AR, 0.4),
            ("fr", REACT_FR, 0.1),
        ],
        peak_at=0.15,
    )
    items += gen.burst(
        start=statement_at,
        hours=48,
        total=n(1600),
        material=[
            ("en", REACT_EN_POS, 0.3),
            ("en", REACT_EN_NEG, 0.08),
            ("en", REACT_EN_NEU, 0.12),
            ("ar", REACT_AR, 0.42),
            ("fr", REACT_FR, 0.08),
        ],
        peak_at=0.06,
    )
    items += gen.burst(
        start=spike_at,
        hours=3,
        total=n(420),
        material=[("en", SPIKE_EN, 0.4), ("ar", SPIKE_AR, 0.5), ("fr", SPIKE_FR, 0.1)],
        peak_at=0.25,
    )
    items += gen.burst(
        start=claim_at,
        hours=40,
        total=n(260),
        material=[
            ("en", CLAIM_SPREAD_EN, 0.45),
            ("ar", CLAIM_SPREAD_AR, 0.45),
            ("fr", CLAIM_SPREAD_FR, 0.1),
        ],
        peak_at=0.2,
    )
    items += gen.campaign(start=campaign_at, accounts=40)
    # a single high-priority mention
    items.append(
        gen._item(
            "Families ask the consulate about evacuation plans as the storm approaches",
            now - timedelta(hours=30),
            "en",
        )
    )
    items.sort(key=lambda item: item.published_at)
    report = pipeline.ingest(items, source=source, now=now)
    # The rules are created after the ingest and then replayed over the week as
    # if they had been running; high-priority terms from the week's start.
    rules = _rules(actor, unit, scale=scale)
    AlertRule.objects.filter(pk__in=[r.pk for r in rules]).update(cursor=cursor)

    with transaction.atomic():
        _statements(actor, first_statement_at, statement_at)
        claim = _claim(actor, claim_at)
    for statement in Statement.objects.all():
        services.statement_collect(statement=statement)
    services.claim_link_auto(claim=claim, now=now)
    # The rules have been "running" all week: replay them hour by hour.
    alerts = 0
    # At the end of each hour, when the hour's roll-ups are complete (the
    # replayed figures then match what a live evaluation would have seen).
    moment = (now - 7 * day).replace(minute=59, second=0, microsecond=0) + timedelta(hours=1)
    while moment <= now:
        alerts += len(services.alerts_evaluate(now=moment))
        moment += timedelta(hours=1)
    alerts += len(services.alerts_evaluate(now=now))
    out.write(
        f"Listening demo: {report.accepted} posts over the week ending now "
        f"({report.clusters_created} clusters), {len(rules)} alert rules, {alerts} alerts, "
        f"{Statement.objects.count()} statements, 1 claim "
        f"in {time.monotonic() - started:.1f} s.\n"
    )


def _statements(actor: User, first_at: datetime, second_at: datetime) -> None:
    terms = "water agreement\nاتفاقية المياه\naccord sur l'eau"
    wanted = [
        (
            "Negotiations on the regional water agreement open",
            "The ministry welcomes the opening of negotiations on a regional water agreement "
            "and thanks the partner states for their constructive spirit.",
            first_at,
        ),
        (
            "Statement on the signature of the regional water agreement",
            "The ministry welcomes the signature today of the regional water agreement, a "
            "historic step for cooperation, food security and the farmers of the valley.",
            second_at,
        ),
    ]
    for title, text, at in wanted:
        if Statement.objects.filter(title=title).exists():
            continue
        Statement.objects.create(
            title=title,
            text=text,
            published_at=at,
            channels="mfa.example, X @mfa_demo, press conference",
            terms=terms,
            follow_hours=48,
            created_by=actor,
        )


def _claim(actor: User, first_at: datetime) -> Claim:
    claim = Claim.objects.filter(title='Embassy building in London "sold"').first()
    if claim is not None:
        return claim
    return Claim.objects.create(
        title='Embassy building in London "sold"',
        claim_en=CLAIM_EN,
        claim_ar=CLAIM_AR,
        variants=(
            "Le ministère a vendu en secret le bâtiment de l'ambassade à Londres "
            "à une société privée."
        ),
        rating="false",
        evidence=(
            "Land registry extract of 14 November: the building is registered to the state. "
            "No sale was submitted to the cabinet or published in the official gazette."
        ),
        rebuttal_en=(
            "The embassy building in London has not been sold. It remains the property of the "
            "state, as the land registry shows, and the embassy continues to work there."
        ),
        rebuttal_ar=(
            "لم يُبع مبنى السفارة في لندن، وهو لا يزال ملكا للدولة كما يثبت السجل العقاري، "
            "وتواصل السفارة عملها فيه."
        ),
        rebuttal_url="https://mfa.example/en/rebuttals/london-embassy-building",
        rebutted_at=first_at + timedelta(hours=20),
        first_seen_url="https://x.example/news_3/status/first",
        first_seen_at=first_at,
        threshold=0.6,
        created_by=actor,
    )
