"""The fictional demonstration ministry loaded by ``sifara demo``.

Fictional: no real government's data. Missions are in real cities with their
real IANA time zones. Idempotent: re-running updates rows in place, keeps
existing second-factor devices and tops recovery codes back up to ten.
"""

from __future__ import annotations

from datetime import date
from typing import TextIO

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sifara.core.models import Classification
from sifara.directory.models import Country, Membership, Unit, UnitKind, User

DEMO_PASSWORD = "Sifara-demo-2026!"
RECOVERY_CODES = 10
ARAB_WEEKEND = [4, 5]  # Friday, Saturday
WESTERN_WEEKEND = [5, 6]  # Saturday, Sunday

HQ_DEPARTMENTS: list[tuple[str, str, str]] = [
    ("hq-minister", "Office of the Minister", "مكتب الوزير"),
    ("hq-digital", "Digital Diplomacy Department", "إدارة الدبلوماسية الرقمية"),
    ("hq-consular", "Consular Affairs Department", "إدارة الشؤون القنصلية"),
    ("hq-legal", "Legal and Treaties Department", "إدارة الشؤون القانونية والمعاهدات"),
    ("hq-africa", "Africa Desk", "إدارة أفريقيا"),
    ("hq-americas", "Americas Desk", "إدارة الأمريكتين"),
    ("hq-asia", "Asia and Pacific Desk", "إدارة آسيا والمحيط الهادئ"),
    ("hq-europe", "Europe Desk", "إدارة أوروبا"),
    ("hq-mena", "Middle East and North Africa Desk", "إدارة الشرق الأوسط وشمال أفريقيا"),
    ("hq-it", "Information Technology Department", "إدارة تقنية المعلومات"),
    ("hq-protocol", "Protocol Department", "إدارة المراسم"),
]

# code, kind, name EN, name AR, country, city EN, city AR, zone, languages, desk, accredited
MISSIONS: list[tuple[str, str, str, str, str, str, str, str, list[str], str, list[str]]] = [
    (
        "emb-washington",
        "embassy",
        "Embassy in Washington",
        "السفارة في واشنطن",
        "US",
        "Washington",
        "واشنطن",
        "America/New_York",
        ["en"],
        "hq-americas",
        [],
    ),
    (
        "pm-new-york",
        "permanent_mission",
        "Permanent Mission to the United Nations, New York",
        "البعثة الدائمة لدى الأمم المتحدة في نيويورك",
        "US",
        "New York",
        "نيويورك",
        "America/New_York",
        ["en", "fr"],
        "hq-minister",
        [],
    ),
    (
        "emb-ottawa",
        "embassy",
        "Embassy in Ottawa",
        "السفارة في أوتاوا",
        "CA",
        "Ottawa",
        "أوتاوا",
        "America/Toronto",
        ["en", "fr"],
        "hq-americas",
        [],
    ),
    (
        "emb-mexico",
        "embassy",
        "Embassy in Mexico City",
        "السفارة في مكسيكو",
        "MX",
        "Mexico City",
        "مكسيكو",
        "America/Mexico_City",
        ["es"],
        "hq-americas",
        ["GT"],
    ),
    (
        "emb-brasilia",
        "embassy",
        "Embassy in Brasília",
        "السفارة في برازيليا",
        "BR",
        "Brasília",
        "برازيليا",
        "America/Sao_Paulo",
        ["pt"],
        "hq-americas",
        [],
    ),
    (
        "emb-buenos-aires",
        "embassy",
        "Embassy in Buenos Aires",
        "السفارة في بوينس آيرس",
        "AR",
        "Buenos Aires",
        "بوينس آيرس",
        "America/Argentina/Buenos_Aires",
        ["es"],
        "hq-americas",
        ["UY", "PY"],
    ),
    (
        "emb-london",
        "embassy",
        "Embassy in London",
        "السفارة في لندن",
        "GB",
        "London",
        "لندن",
        "Europe/London",
        ["en"],
        "hq-europe",
        ["IE"],
    ),
    (
        "emb-paris",
        "embassy",
        "Embassy in Paris",
        "السفارة في باريس",
        "FR",
        "Paris",
        "باريس",
        "Europe/Paris",
        ["fr"],
        "hq-europe",
        ["MC"],
    ),
    (
        "con-marseille",
        "consulate",
        "Consulate in Marseille",
        "القنصلية في مرسيليا",
        "FR",
        "Marseille",
        "مرسيليا",
        "Europe/Paris",
        ["fr"],
        "hq-consular",
        [],
    ),
    (
        "emb-berlin",
        "embassy",
        "Embassy in Berlin",
        "السفارة في برلين",
        "DE",
        "Berlin",
        "برلين",
        "Europe/Berlin",
        ["de"],
        "hq-europe",
        [],
    ),
    (
        "emb-brussels",
        "embassy",
        "Embassy in Brussels",
        "السفارة في بروكسل",
        "BE",
        "Brussels",
        "بروكسل",
        "Europe/Brussels",
        ["fr", "nl"],
        "hq-europe",
        ["LU"],
    ),
    (
        "pm-geneva",
        "permanent_mission",
        "Permanent Mission to the United Nations Office at Geneva",
        "البعثة الدائمة لدى مكتب الأمم المتحدة في جنيف",
        "CH",
        "Geneva",
        "جنيف",
        "Europe/Zurich",
        ["fr", "en"],
        "hq-minister",
        [],
    ),
    (
        "emb-madrid",
        "embassy",
        "Embassy in Madrid",
        "السفارة في مدريد",
        "ES",
        "Madrid",
        "مدريد",
        "Europe/Madrid",
        ["es"],
        "hq-europe",
        ["AD"],
    ),
    (
        "emb-rome",
        "embassy",
        "Embassy in Rome",
        "السفارة في روما",
        "IT",
        "Rome",
        "روما",
        "Europe/Rome",
        ["it"],
        "hq-europe",
        ["MT", "SM"],
    ),
    (
        "emb-moscow",
        "embassy",
        "Embassy in Moscow",
        "السفارة في موسكو",
        "RU",
        "Moscow",
        "موسكو",
        "Europe/Moscow",
        ["ru"],
        "hq-europe",
        ["BY"],
    ),
    (
        "emb-ankara",
        "embassy",
        "Embassy in Ankara",
        "السفارة في أنقرة",
        "TR",
        "Ankara",
        "أنقرة",
        "Europe/Istanbul",
        ["tr"],
        "hq-europe",
        [],
    ),
    (
        "cg-istanbul",
        "consulate_general",
        "Consulate-General in Istanbul",
        "القنصلية العامة في إسطنبول",
        "TR",
        "Istanbul",
        "إسطنبول",
        "Europe/Istanbul",
        ["tr"],
        "hq-consular",
        [],
    ),
    (
        "emb-cairo",
        "embassy",
        "Embassy in Cairo",
        "السفارة في القاهرة",
        "EG",
        "Cairo",
        "القاهرة",
        "Africa/Cairo",
        ["ar"],
        "hq-mena",
        [],
    ),
    (
        "emb-riyadh",
        "embassy",
        "Embassy in Riyadh",
        "السفارة في الرياض",
        "SA",
        "Riyadh",
        "الرياض",
        "Asia/Riyadh",
        ["ar"],
        "hq-mena",
        ["YE"],
    ),
    (
        "cg-jeddah",
        "consulate_general",
        "Consulate-General in Jeddah",
        "القنصلية العامة في جدة",
        "SA",
        "Jeddah",
        "جدة",
        "Asia/Riyadh",
        ["ar"],
        "hq-consular",
        [],
    ),
    (
        "emb-abu-dhabi",
        "embassy",
        "Embassy in Abu Dhabi",
        "السفارة في أبوظبي",
        "AE",
        "Abu Dhabi",
        "أبوظبي",
        "Asia/Dubai",
        ["ar", "en"],
        "hq-mena",
        [],
    ),
    (
        "cg-dubai",
        "consulate_general",
        "Consulate-General in Dubai",
        "القنصلية العامة في دبي",
        "AE",
        "Dubai",
        "دبي",
        "Asia/Dubai",
        ["ar", "en"],
        "hq-consular",
        [],
    ),
    (
        "emb-doha",
        "embassy",
        "Embassy in Doha",
        "السفارة في الدوحة",
        "QA",
        "Doha",
        "الدوحة",
        "Asia/Qatar",
        ["ar"],
        "hq-mena",
        [],
    ),
    (
        "emb-amman",
        "embassy",
        "Embassy in Amman",
        "السفارة في عمّان",
        "JO",
        "Amman",
        "عمّان",
        "Asia/Amman",
        ["ar"],
        "hq-mena",
        [],
    ),
    (
        "emb-rabat",
        "embassy",
        "Embassy in Rabat",
        "السفارة في الرباط",
        "MA",
        "Rabat",
        "الرباط",
        "Africa/Casablanca",
        ["ar", "fr"],
        "hq-mena",
        ["MR"],
    ),
    (
        "emb-algiers",
        "embassy",
        "Embassy in Algiers",
        "السفارة في الجزائر",
        "DZ",
        "Algiers",
        "الجزائر",
        "Africa/Algiers",
        ["ar", "fr"],
        "hq-mena",
        [],
    ),
    (
        "emb-tunis",
        "embassy",
        "Embassy in Tunis",
        "السفارة في تونس",
        "TN",
        "Tunis",
        "تونس",
        "Africa/Tunis",
        ["ar", "fr"],
        "hq-mena",
        ["LY"],
    ),
    (
        "emb-nairobi",
        "embassy",
        "Embassy in Nairobi",
        "السفارة في نيروبي",
        "KE",
        "Nairobi",
        "نيروبي",
        "Africa/Nairobi",
        ["en", "sw"],
        "hq-africa",
        ["UG", "TZ", "RW"],
    ),
    (
        "emb-addis-ababa",
        "embassy",
        "Embassy in Addis Ababa",
        "السفارة في أديس أبابا",
        "ET",
        "Addis Ababa",
        "أديس أبابا",
        "Africa/Addis_Ababa",
        ["en", "am"],
        "hq-africa",
        ["DJ"],
    ),
    (
        "emb-abuja",
        "embassy",
        "Embassy in Abuja",
        "السفارة في أبوجا",
        "NG",
        "Abuja",
        "أبوجا",
        "Africa/Lagos",
        ["en"],
        "hq-africa",
        ["GH"],
    ),
    (
        "emb-pretoria",
        "embassy",
        "Embassy in Pretoria",
        "السفارة في بريتوريا",
        "ZA",
        "Pretoria",
        "بريتوريا",
        "Africa/Johannesburg",
        ["en"],
        "hq-africa",
        ["BW", "NA"],
    ),
    (
        "emb-new-delhi",
        "embassy",
        "Embassy in New Delhi",
        "السفارة في نيودلهي",
        "IN",
        "New Delhi",
        "نيودلهي",
        "Asia/Kolkata",
        ["en", "hi"],
        "hq-asia",
        ["NP"],
    ),
    (
        "emb-islamabad",
        "embassy",
        "Embassy in Islamabad",
        "السفارة في إسلام آباد",
        "PK",
        "Islamabad",
        "إسلام آباد",
        "Asia/Karachi",
        ["ur", "en"],
        "hq-asia",
        [],
    ),
    (
        "emb-beijing",
        "embassy",
        "Embassy in Beijing",
        "السفارة في بكين",
        "CN",
        "Beijing",
        "بكين",
        "Asia/Shanghai",
        ["zh"],
        "hq-asia",
        ["MN"],
    ),
    (
        "emb-tokyo",
        "embassy",
        "Embassy in Tokyo",
        "السفارة في طوكيو",
        "JP",
        "Tokyo",
        "طوكيو",
        "Asia/Tokyo",
        ["ja"],
        "hq-asia",
        [],
    ),
    (
        "emb-seoul",
        "embassy",
        "Embassy in Seoul",
        "السفارة في سيول",
        "KR",
        "Seoul",
        "سيول",
        "Asia/Seoul",
        ["ko"],
        "hq-asia",
        [],
    ),
    (
        "emb-jakarta",
        "embassy",
        "Embassy in Jakarta",
        "السفارة في جاكرتا",
        "ID",
        "Jakarta",
        "جاكرتا",
        "Asia/Jakarta",
        ["id"],
        "hq-asia",
        ["TL"],
    ),
    (
        "emb-kuala-lumpur",
        "embassy",
        "Embassy in Kuala Lumpur",
        "السفارة في كوالالمبور",
        "MY",
        "Kuala Lumpur",
        "كوالالمبور",
        "Asia/Kuala_Lumpur",
        ["ms", "en"],
        "hq-asia",
        ["BN"],
    ),
    (
        "emb-canberra",
        "embassy",
        "Embassy in Canberra",
        "السفارة في كانبرا",
        "AU",
        "Canberra",
        "كانبرا",
        "Australia/Sydney",
        ["en"],
        "hq-asia",
        ["NZ"],
    ),
    (
        "hc-auckland",
        "honorary_consulate",
        "Honorary Consulate in Auckland",
        "القنصلية الفخرية في أوكلاند",
        "NZ",
        "Auckland",
        "أوكلاند",
        "Pacific/Auckland",
        ["en"],
        "hq-consular",
        [],
    ),
]

ARAB_HOSTS = {"EG", "SA", "AE", "QA", "JO", "DZ", "TN"}

PARTNER_MINISTRIES: list[tuple[str, str, str]] = [
    ("pm-trade", "Ministry of Trade and Industry", "وزارة التجارة والصناعة"),
    ("pm-interior", "Ministry of Interior", "وزارة الداخلية"),
    ("pm-health", "Ministry of Health", "وزارة الصحة"),
    ("pm-energy", "Ministry of Energy", "وزارة الطاقة"),
    ("pm-culture", "Ministry of Culture", "وزارة الثقافة"),
]

DELEGATIONS: list[tuple[str, str, str, str, str, str, str, str]] = [
    (
        "del-climate-bonn",
        "Delegation to the climate negotiations, Bonn",
        "الوفد إلى مفاوضات المناخ في بون",
        "DE",
        "Bonn",
        "بون",
        "Europe/Berlin",
        "hq-minister",
    ),
]

# username, full name EN, full name AR, title EN, title AR, clearance, [(role, unit code)]
PEOPLE: list[tuple[str, str, str, str, str, int, list[tuple[str, str]]]] = [
    (
        "admin",
        "Salma Haddad",
        "سلمى حداد",
        "Systems administrator",
        "مديرة الأنظمة",
        Classification.RESTRICTED,
        [("administrator", "hq-it")],
    ),
    (
        "admin2",
        "Karim Nassar",
        "كريم نصار",
        "Deputy systems administrator",
        "نائب مدير الأنظمة",
        Classification.RESTRICTED,
        [("administrator", "hq-it")],
    ),
    (
        "hom.tokyo",
        "Ambassador Yusuf Al-Amin",
        "السفير يوسف الأمين",
        "Ambassador",
        "السفير",
        Classification.SECRET,
        [("head_of_mission", "emb-tokyo")],
    ),
    (
        "hom.london",
        "Ambassador Layla Mansour",
        "السفيرة ليلى منصور",
        "Ambassador",
        "السفيرة",
        Classification.SECRET,
        [("head_of_mission", "emb-london")],
    ),
    (
        "diplomat.london",
        "Omar Khalil",
        "عمر خليل",
        "First Secretary",
        "سكرتير أول",
        Classification.CONFIDENTIAL,
        [("diplomat", "emb-london")],
    ),
    (
        "desk.asia",
        "Huda Saleh",
        "هدى صالح",
        "Desk officer, Asia and Pacific",
        "مسؤولة ملف آسيا والمحيط الهادئ",
        Classification.CONFIDENTIAL,
        [("diplomat", "hq-asia")],
    ),
    (
        "legal.hq",
        "Rami Aziz",
        "رامي عزيز",
        "Legal adviser",
        "مستشار قانوني",
        Classification.CONFIDENTIAL,
        [("diplomat", "hq-legal")],
    ),
    (
        "digital.hq",
        "Nour Darwish",
        "نور درويش",
        "Digital diplomacy officer",
        "مسؤولة الدبلوماسية الرقمية",
        Classification.RESTRICTED,
        [("digital_officer", "hq-digital")],
    ),
    (
        "analyst.hq",
        "Tariq Fares",
        "طارق فارس",
        "Media analyst",
        "محلل إعلامي",
        Classification.RESTRICTED,
        [("analyst", "hq-digital")],
    ),
    (
        "consular.dubai",
        "Mariam Youssef",
        "مريم يوسف",
        "Consul",
        "القنصل",
        Classification.RESTRICTED,
        [("consular_officer", "cg-dubai")],
    ),
    (
        "delegate.bonn",
        "Samir Haddad",
        "سمير حداد",
        "Negotiator",
        "مفاوض",
        Classification.CONFIDENTIAL,
        [("diplomat", "del-climate-bonn"), ("diplomat", "hq-minister")],
    ),
    (
        "liaison.trade",
        "Dina Rashid",
        "دينا راشد",
        "Liaison officer, Ministry of Trade",
        "ضابطة الارتباط، وزارة التجارة",
        Classification.RESTRICTED,
        [("liaison", "pm-trade")],
    ),
    (
        "reader",
        "Adel Qasim",
        "عادل قاسم",
        "Archivist",
        "أمين المحفوظات",
        Classification.UNCLASSIFIED,
        [("read_only", "hq-protocol")],
    ),
]


def _unit(code: str, **fields: object) -> Unit:
    unit, _created = Unit.objects.update_or_create(code=code, defaults=fields)
    return unit


@transaction.atomic
def load_organisation() -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    ministry = _unit(
        "hq",
        kind=UnitKind.HQ_DEPARTMENT,
        name_en="Headquarters",
        name_ar="ديوان الوزارة",
        working_languages=["ar", "en"],
        weekend_days=ARAB_WEEKEND,
    )
    units["hq"] = ministry
    for code, en, ar in HQ_DEPARTMENTS:
        units[code] = _unit(
            code,
            kind=UnitKind.HQ_DEPARTMENT,
            name_en=en,
            name_ar=ar,
            parent=ministry,
            working_languages=["ar", "en"],
            weekend_days=ARAB_WEEKEND,
        )
    for code, kind, en, ar, country, city_en, city_ar, zone, langs, desk, accredited in MISSIONS:
        unit = _unit(
            code,
            kind=kind,
            name_en=en,
            name_ar=ar,
            parent=units[desk],
            host_country=Country.objects.get(code=country),
            city_en=city_en,
            city_ar=city_ar,
            timezone=zone,
            organisation="United Nations" if kind == UnitKind.PERMANENT_MISSION else "",
            working_languages=sorted({"ar", *langs}),
            weekend_days=ARAB_WEEKEND if country in ARAB_HOSTS else WESTERN_WEEKEND,
        )
        unit.accredited_countries.set(Country.objects.filter(code__in=accredited))
        units[code] = unit
    for code, en, ar in PARTNER_MINISTRIES:
        units[code] = _unit(
            code,
            kind=UnitKind.PARTNER_MINISTRY,
            name_en=en,
            name_ar=ar,
            working_languages=["ar"],
            weekend_days=ARAB_WEEKEND,
        )
    for code, en, ar, country, city_en, city_ar, zone, parent in DELEGATIONS:
        units[code] = _unit(
            code,
            kind=UnitKind.DELEGATION,
            name_en=en,
            name_ar=ar,
            parent=units[parent],
            host_country=Country.objects.get(code=country),
            city_en=city_en,
            city_ar=city_ar,
            timezone=zone,
            working_languages=["ar", "en"],
            starts_on=date(2026, 11, 2),
            ends_on=date(2026, 12, 11),
        )
    return units


def _credentials(user: User) -> tuple[str, list[str]]:
    """Ensure a confirmed TOTP device and ten unused recovery codes."""
    totp = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if totp is None:
        totp = TOTPDevice.objects.create(user=user, name="demo authenticator", confirmed=True)
    static, _created = StaticDevice.objects.get_or_create(
        user=user, name="recovery codes", defaults={"confirmed": True}
    )
    missing = RECOVERY_CODES - static.token_set.count()
    for _ in range(max(0, missing)):
        static.token_set.create(token=StaticToken.random_token())
    codes = list(static.token_set.order_by("id").values_list("token", flat=True))
    import base64

    secret = base64.b32encode(totp.bin_key).decode("ascii")
    return secret, codes


@transaction.atomic
def load_people(units: dict[str, Unit]) -> list[tuple[User, str, list[str], list[str]]]:
    loaded = []
    for username, en, ar, title_en, title_ar, clearance, roles in PEOPLE:
        user, created = User.objects.get_or_create(username=username)
        user.full_name_en, user.full_name_ar = en, ar
        user.job_title_en, user.job_title_ar = title_en, title_ar
        user.clearance = int(clearance)
        user.email = f"{username}@mfa.example"
        user.is_active = True
        if created or not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
        user.save()
        for index, (role, unit_code) in enumerate(roles):
            Membership.objects.get_or_create(
                user=user, unit=units[unit_code], role=role, defaults={"is_primary": index == 0}
            )
        secret, codes = _credentials(user)
        labels = [f"{role}@{unit_code}" for role, unit_code in roles]
        loaded.append((user, secret, codes, labels))
    return loaded


def load_demo(*, out: TextIO) -> None:
    from sifara.directory.services import countries_sync

    countries_sync()
    units = load_organisation()
    people = load_people(units)
    missions = sum(1 for u in units.values() if u.is_mission)
    out.write(
        "\nSifara demo ministry loaded (fictional data): "
        f"{len(units)} units, {missions} missions, {len(people)} people.\n"
        f"Every demo account's password: {DEMO_PASSWORD}\n"
        "Second factor: any one of the account's recovery codes (each works once),\n"
        "or add the TOTP secret to an authenticator app.\n\n"
    )
    for user, secret, codes, labels in people:
        out.write(
            f"  {user.username:<16} clearance {Classification(user.clearance).name:<12} "
            f"{', '.join(labels)}\n"
            f"  {'':<16} TOTP secret {secret}\n"
            f"  {'':<16} recovery codes {' '.join(codes)}\n"
        )
    from sifara.accounts.demo import load_accounts_demo

    load_accounts_demo(out=out)
    from sifara.accounts.review_demo import load_review_demo

    load_review_demo(out=out)
    from sifara.archive.demo import load_demo as load_archive_demo
    from sifara.cables.demo import load_demo as load_cables_demo
    from sifara.listening.demo import load_demo as load_listening_demo
    from sifara.rooms.demo import load_demo as load_rooms_demo

    load_cables_demo(out=out)
    load_rooms_demo(out=out)
    load_archive_demo(out=out)
    load_listening_demo(out=out)
    from sifara.analysis.demo import load_demo as load_analysis_demo

    load_analysis_demo(out=out)
    out.write("\nOpen http://127.0.0.1:8000 and sign in.\n")
