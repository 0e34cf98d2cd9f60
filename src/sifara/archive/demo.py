"""Demo content of the archive of agreements (loaded by ``sifara demo``; idempotent).

Fictional agreements with the demo countries, in both languages, with
generated signed texts (plain text and HTML, two PDFs), a few multilateral
treaties with parties' actions, two classified protocols and a few
agreements that expire or reach their notice deadline soon. Re-running
creates nothing new: agreements are keyed by reference, files by content.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from sifara.archive import samples, services
from sifara.archive.extract import FileRefusedError
from sifara.archive.models import Agreement, AgreementParty, FileRole, PartyAction, Topic
from sifara.core import policy
from sifara.core.models import Classification
from sifara.directory.models import Country, Unit, User


@dataclass(frozen=True)
class Template:
    topic: str
    ministry: str
    kind: str
    en: str
    ar: str
    article_en: str
    article_ar: str


TEMPLATES = [
    Template(
        "trade",
        "pm-trade",
        "agreement",
        "Agreement on trade and economic cooperation with {country}",
        "اتفاقية التعاون التجاري والاقتصادي مع {country}",
        "The Parties shall encourage trade in goods and services, exchange commercial "
        "information and facilitate the participation of their companies in trade fairs.",
        "تعمل الأطراف على تشجيع التبادل التجاري في السلع والخدمات وتبادل المعلومات التجارية "
        "وتيسير مشاركة شركاتها في المعارض التجارية.",
    ),
    Template(
        "investment",
        "pm-trade",
        "agreement",
        "Agreement on the promotion and reciprocal protection of investments with {country}",
        "اتفاقية تشجيع وحماية الاستثمارات المتبادلة مع {country}",
        "Each Party shall accord to investments of investors of the other Party fair and "
        "equitable treatment and full protection and security.",
        "يمنح كل طرف استثمارات مستثمري الطرف الآخر معاملة عادلة ومنصفة وحماية وأمناً كاملين.",
    ),
    Template(
        "energy",
        "pm-energy",
        "mou",
        "Memorandum of understanding on renewable energy with {country}",
        "مذكرة تفاهم في مجال الطاقة المتجددة مع {country}",
        "The Parties shall cooperate in solar and wind energy, energy efficiency and the "
        "training of engineers, and shall set up a joint working group.",
        "يتعاون الطرفان في مجالات الطاقة الشمسية وطاقة الرياح وكفاءة الطاقة وتدريب المهندسين، "
        "ويشكلان فريق عمل مشتركاً.",
    ),
    Template(
        "health",
        "pm-health",
        "mou",
        "Memorandum of understanding on cooperation in health with {country}",
        "مذكرة تفاهم للتعاون في المجال الصحي مع {country}",
        "The Parties shall exchange expertise in public health, epidemic preparedness and "
        "the regulation of medicines.",
        "يتبادل الطرفان الخبرات في مجالات الصحة العامة والتأهب للأوبئة وتنظيم الأدوية.",
    ),
    Template(
        "culture",
        "pm-culture",
        "protocol",
        "Executive programme for cultural cooperation with {country}",
        "البرنامج التنفيذي للتعاون الثقافي مع {country}",
        "The Parties shall organise cultural weeks, exchange exhibitions and support the "
        "translation of literary works.",
        "ينظم الطرفان أسابيع ثقافية ويتبادلان المعارض ويدعمان ترجمة الأعمال الأدبية.",
    ),
    Template(
        "consular",
        "pm-interior",
        "agreement",
        "Agreement on visa exemption for holders of diplomatic passports with {country}",
        "اتفاقية الإعفاء من التأشيرة لحاملي جوازات السفر الدبلوماسية مع {country}",
        "Holders of valid diplomatic passports of either Party may enter, transit and stay "
        "in the territory of the other Party without a visa for up to ninety days.",
        "يجوز لحاملي جوازات السفر الدبلوماسية السارية لأي من الطرفين الدخول والعبور والإقامة "
        "في إقليم الطرف الآخر دون تأشيرة لمدة لا تتجاوز تسعين يوماً.",
    ),
    Template(
        "security",
        "pm-interior",
        "mou",
        "Memorandum of understanding on combating transnational organised crime with {country}",
        "مذكرة تفاهم بشأن مكافحة الجريمة المنظمة عبر الحدود الوطنية مع {country}",
        "The Parties shall exchange information on organised crime, drug trafficking and "
        "money laundering through their competent authorities.",
        "يتبادل الطرفان المعلومات المتعلقة بالجريمة المنظمة والاتجار بالمخدرات وغسل الأموال "
        "عبر السلطات المختصة.",
    ),
    Template(
        "taxation",
        "pm-trade",
        "convention",
        "Convention for the avoidance of double taxation with {country}",
        "اتفاقية تجنب الازدواج الضريبي مع {country}",
        "Income derived by a resident of a Contracting State shall be taxable only in that "
        "State, save as provided in this Convention.",
        "يخضع الدخل الذي يحققه مقيم في دولة متعاقدة للضريبة في تلك الدولة فقط، ما لم تنص هذه "
        "الاتفاقية على خلاف ذلك.",
    ),
    Template(
        "transport",
        "pm-trade",
        "agreement",
        "Air services agreement with {country}",
        "اتفاقية خدمات النقل الجوي مع {country}",
        "Each Party grants to the designated airlines of the other Party the right to "
        "operate scheduled international air services on the agreed routes.",
        "يمنح كل طرف شركات الطيران المعينة من الطرف الآخر حق تشغيل خدمات جوية دولية منتظمة على "
        "الطرق المتفق عليها.",
    ),
    Template(
        "education",
        "pm-culture",
        "mou",
        "Memorandum of understanding on higher education and scientific research with {country}",
        "مذكرة تفاهم في مجال التعليم العالي والبحث العلمي مع {country}",
        "The Parties shall encourage exchanges of students and researchers and the mutual "
        "recognition of academic qualifications.",
        "يشجع الطرفان تبادل الطلاب والباحثين والاعتراف المتبادل بالمؤهلات الأكاديمية.",
    ),
]

COUNTRIES = [
    "EG",
    "SA",
    "AE",
    "QA",
    "JO",
    "MA",
    "DZ",
    "TN",
    "KE",
    "ET",
    "NG",
    "ZA",
    "IN",
    "PK",
    "CN",
    "JP",
    "KR",
    "ID",
    "MY",
    "AU",
    "US",
    "CA",
    "MX",
    "BR",
    "AR",
    "GB",
    "FR",
    "DE",
    "BE",
    "CH",
    "ES",
    "IT",
    "RU",
    "TR",
]
PLACES = {
    "EG": ("Cairo", "القاهرة"),
    "SA": ("Riyadh", "الرياض"),
    "AE": ("Abu Dhabi", "أبوظبي"),
    "FR": ("Paris", "باريس"),
    "GB": ("London", "لندن"),
    "JP": ("Tokyo", "طوكيو"),
    "CN": ("Beijing", "بكين"),
    "US": ("Washington", "واشنطن"),
    "DE": ("Berlin", "برلين"),
}
DOCUMENTS = Path(__file__).resolve().parent / "demo_documents"
#: (index, days from today to expiry) for agreements that fall due soon.
DUE_SOON = {0: 20, 5: 45, 11: 75, 17: 200}


def _text_ar(title: str, article: str, place: str, signed: date) -> str:
    return (
        f"{title}\n\n"
        "إن حكومة الدولة والطرف الآخر، المشار إليهما فيما يلي بـ«الطرفين»،\n"
        "رغبةً منهما في تعزيز علاقات الصداقة والتعاون القائمة بينهما،\n"
        "قد اتفقتا على ما يلي:\n\n"
        f"المادة (1)\n{article}\n\n"
        "المادة (2)\nتتولى الوزارات المختصة لدى الطرفين تنفيذ أحكام هذه الاتفاقية.\n\n"
        "المادة (3)\nتسوى أي خلافات تنشأ عن تفسير هذه الاتفاقية أو تطبيقها بالطرق الدبلوماسية.\n\n"
        "المادة (4)\nتدخل هذه الاتفاقية حيز النفاذ من تاريخ آخر إشعار كتابي يفيد استكمال الإجراءات "
        "الداخلية اللازمة، وتظل سارية لمدة خمس سنوات.\n\n"
        f"حررت في {place} بتاريخ {signed.isoformat()} من نسختين أصليتين باللغتين العربية "
        "والإنجليزية، ولكل منهما الحجية ذاتها."
    )


def _html_en(title: str, article: str, place: str, signed: date) -> str:
    e = html.escape
    return (
        f"<!doctype html><html lang='en'><head><title>{e(title)}</title></head><body>"
        f"<h1>{e(title)}</h1>"
        "<p>The Government of the State and the other Party, hereinafter the “Parties”, "
        "desiring to strengthen the friendly relations and cooperation between them, "
        "have agreed as follows:</p>"
        f"<h2>Article 1</h2><p>{e(article)}</p>"
        "<h2>Article 2</h2><p>The competent ministries of the Parties shall implement "
        "this Agreement.</p>"
        "<h2>Article 3</h2><p>Any dispute arising from the interpretation or application "
        "of this Agreement shall be settled through diplomatic channels.</p>"
        "<h2>Article 4</h2><p>This Agreement shall enter into force on the date of the last "
        "written notification that the internal procedures have been completed and shall "
        "remain in force for five years.</p>"
        f"<p>Done at {e(place)} on {signed.isoformat()} in two originals in the Arabic and "
        "English languages, both texts being equally authentic.</p></body></html>"
    )


def _attach(
    actor: User | None,
    agreement: Agreement,
    name: str,
    data: bytes,
    *,
    language: str = "",
    role: str = FileRole.SIGNED_TEXT,
) -> None:
    try:
        services.file_attach(
            actor=actor,
            actor_label=None if actor else "demo",
            agreement=agreement,
            name=name,
            data=data,
            role=role,
            language=language,
            extract_later=False,
        )
    except FileRefusedError as exc:
        if exc.code != "duplicate_file":
            raise


def _signed_pdf(name: str, text: str) -> bytes:
    """The PDF of an Arabic signed text, generated with WeasyPrint once and kept
    in ``demo_documents/`` (generating takes seconds; loading the demo should not)."""
    kept = DOCUMENTS / f"{name}_ar_signed.pdf"
    if kept.is_file():
        return kept.read_bytes()
    return samples.pdf_from_paragraphs(text.split("\n\n"))


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _bilateral(actor: User | None, index: int, today: date, out_count: list[int]) -> None:
    code = COUNTRIES[index % len(COUNTRIES)]
    template = TEMPLATES[(index * 3) % len(TEMPLATES)]
    reference = f"DEMO-{index + 1:03d}"
    if Agreement.objects.filter(reference=reference).exists():
        return
    country = Country.objects.get(code=code)
    ministry = Unit.objects.filter(code=template.ministry).first()
    topic = Topic.objects.filter(code=template.topic).first()
    signed = date(2006 + (index * 7) % 19, 1 + (index * 5) % 12, 1 + (index * 11) % 27)
    force_day = signed + timedelta(days=60 + index % 90)
    expiry_day = _years_later(force_day, 5)
    auto = index % 3 != 2
    status = "in_force"
    if index in DUE_SOON:
        expiry_day = today + timedelta(days=DUE_SOON[index])
        signed = min(signed, expiry_day - timedelta(days=900))
        force_day = signed + timedelta(days=60)
        auto = index % 2 == 0
    elif auto:
        while expiry_day < today:
            expiry_day = _years_later(expiry_day, 5)
    elif expiry_day < today:
        status = "expired"
    force: date | None = force_day
    expires: date | None = expiry_day
    if index % 13 == 12:
        status, force, expires, auto = "signed", None, None, False
    place_en, place_ar = PLACES.get(code, (country.name_en, country.name_ar))
    if index % 2:
        place_en, place_ar = "the capital", "العاصمة"
    title_en = template.en.format(country=country.name_en)
    title_ar = template.ar.format(country=country.name_ar)
    with transaction.atomic():
        agreement = services.agreement_create(
            actor=actor,
            actor_label=None if actor else "demo",
            reference=reference,
            kind=template.kind,
            title_en=title_en,
            title_ar=title_ar,
            summary_en=template.article_en,
            summary_ar=template.article_ar,
            status=status,
            signed_on=signed,
            place_en=place_en,
            place_ar=place_ar,
            signatories="Minister of Foreign Affairs; the Ambassador of " + country.name_en,
            authentic_languages=["ar", "en"],
            entry_into_force=force,
            duration_years=5 if force else None,
            expires_on=expires,
            auto_renewal=auto and expires is not None,
            renewal_period_years=5 if auto and expires is not None else None,
            notice_days=180 if auto and expires is not None else None,
            un_registration=f"I:{52000 + index * 37}" if index % 4 == 0 else "",
            countries=[country],
            ministries=[ministry] if ministry else [],
            topics=[topic] if topic else [],
        )
    name = f"{reference.lower()}"
    _attach(
        actor,
        agreement,
        f"{name}_ar.txt",
        _text_ar(title_ar, template.article_ar, place_ar, signed).encode(),
        language="ar",
    )
    _attach(
        actor,
        agreement,
        f"{name}_en.html",
        _html_en(title_en, template.article_en, place_en, signed).encode(),
        language="en",
    )
    if index in (3, 8):
        pdf = _signed_pdf(name, _text_ar(title_ar, template.article_ar, place_ar, signed))
        _attach(actor, agreement, f"{name}_ar_signed.pdf", pdf, language="ar")
    if index % 9 == 4:
        note = (
            f"Note verbale No. {1200 + index}/{signed.year}\n\nThe Ministry of Foreign Affairs "
            "presents its compliments to the Embassy and has the honour to inform it that the "
            f"internal procedures required for the entry into force of the {title_en} have "
            "been completed."
        )
        _attach(
            actor,
            agreement,
            f"{name}_note_verbale.txt",
            note.encode(),
            role="note_verbale",
            language="en",
        )
    out_count[0] += 1


MULTILATERAL = [
    (
        "DEMO-M01",
        "convention",
        "Regional Convention on Maritime Search and Rescue",
        "الاتفاقية الإقليمية للبحث والإنقاذ البحري",
        ["EG", "SA", "JO", "TN", "DZ", "MA"],
        "transport",
        "pm-trade",
        "Secretary-General of the League of Arab States",
        "الأمانة العامة لجامعة الدول العربية",
        "II:1104",
    ),
    (
        "DEMO-M02",
        "protocol",
        "Protocol on the Regional Electricity Interconnection Grid",
        "بروتوكول الربط الكهربائي الإقليمي",
        ["EG", "SA", "AE", "QA", "JO"],
        "energy",
        "pm-energy",
        "Government of the Hashemite Kingdom of Jordan",
        "",
        "",
    ),
    (
        "DEMO-M03",
        "treaty",
        "Treaty on Mutual Legal Assistance in Criminal Matters",
        "معاهدة المساعدة القانونية المتبادلة في المسائل الجنائية",
        ["FR", "ES", "IT", "MA", "TN"],
        "justice",
        "pm-interior",
        "Secretary-General of the United Nations",
        "الأمين العام للأمم المتحدة",
        "I:56017",
    ),
]


def _multilateral(actor: User | None) -> int:
    created = 0
    for (
        ref,
        kind,
        en,
        ar,
        codes,
        topic_code,
        ministry_code,
        depositary,
        _dep_ar,
        un,
    ) in MULTILATERAL:
        if Agreement.objects.filter(reference=ref).exists():
            continue
        signed = date(2012 + created * 3, 4, 10)
        agreement = services.agreement_create(
            actor=actor,
            actor_label=None if actor else "demo",
            reference=ref,
            kind=kind,
            title_en=en,
            title_ar=ar,
            is_multilateral=True,
            status="in_force",
            signed_on=signed,
            entry_into_force=signed + timedelta(days=365),
            depositary=depositary,
            un_registration=un,
            authentic_languages=["ar", "en", "fr"],
            countries=list(Country.objects.filter(code__in=codes)),
            organisations=[("League of Arab States", "جامعة الدول العربية")]
            if created == 0
            else [],
            ministries=list(Unit.objects.filter(code=ministry_code)),
            topics=list(Topic.objects.filter(code=topic_code)),
        )
        for offset, party in enumerate(
            AgreementParty.objects.filter(agreement=agreement, country__isnull=False)
        ):
            PartyAction.objects.create(party=party, action="signature", on=signed)
            PartyAction.objects.create(
                party=party,
                action="ratification" if offset % 3 else "accession",
                on=signed + timedelta(days=120 + offset * 45),
            )
            if offset == 2:
                PartyAction.objects.create(
                    party=party,
                    action="reservation",
                    on=signed + timedelta(days=130),
                    note="Reservation to article 14, paragraph 2.",
                )
        text = (
            f"{en}\n\nThe States Parties to this {kind.title()}, recognising the need for "
            "regional cooperation, have agreed as follows.\n\nArticle 1\nEach State Party "
            "shall designate a competent authority and inform the depositary."
        )
        _attach(actor, agreement, f"{ref.lower()}_en.txt", text.encode(), language="en")
        created += 1
    return created


CLASSIFIED = [
    (
        "DEMO-C01",
        "Protocol on border security cooperation with Jordan",
        "بروتوكول التعاون في أمن الحدود مع الأردن",
        "JO",
        Classification.CONFIDENTIAL,
    ),
    (
        "DEMO-C02",
        "Memorandum on the exchange of classified information with France",
        "مذكرة بشأن تبادل المعلومات المصنفة مع فرنسا",
        "FR",
        Classification.RESTRICTED,
    ),
]


def _classified(actor: User | None) -> int:
    created = 0
    for ref, en, ar, code, level in CLASSIFIED:
        if Agreement.objects.filter(reference=ref).exists():
            continue
        agreement = services.agreement_create(
            actor=actor,
            actor_label=None if actor else "demo",
            reference=ref,
            kind="protocol",
            title_en=en,
            title_ar=ar,
            classification=level,
            status="in_force",
            signed_on=date(2021, 9, 12),
            entry_into_force=date(2021, 10, 1),
            expires_on=date(2031, 10, 1),
            countries=list(Country.objects.filter(code=code)),
            ministries=list(Unit.objects.filter(code="pm-interior")),
            topics=list(Topic.objects.filter(code="security")),
        )
        _attach(
            actor,
            agreement,
            f"{ref.lower()}_ar.txt",
            f"{ar}\n\nنص البروتوكول المصنف. لا يجوز تداوله خارج الجهات المختصة.".encode(),
            language="ar",
        )
        created += 1
    return created


BILATERAL_COUNT = 42


def load_demo(*, out: TextIO) -> None:
    """Load the demo content of this module."""
    actor = User.objects.filter(username="legal.hq", is_active=True).first()
    if actor is not None and not policy.may_edit_archive(actor):
        actor = None
    today = timezone.localdate()
    created = [0]
    for index in range(BILATERAL_COUNT):
        _bilateral(actor, index, today, created)
    multilateral = _multilateral(actor)
    classified = _classified(actor)
    total = created[0] + multilateral + classified
    if total:
        services.agreements_reindex()
    out.write(
        f"\nArchive of agreements: {Agreement.objects.count()} agreements "
        f"({total} new) — sign in as legal.hq to record, liaison.trade for a ministry's view.\n"
    )
