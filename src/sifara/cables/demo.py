# ruff: noqa: E501 - the demo cables' sentences are kept whole
"""Demo content of the cables module (loaded by ``sifara demo``; idempotent).

Fictional traffic among the demo units in Arabic and English, across every
precedence and classification: instructions and replies (a thread), a FLASH
acknowledged in time, a NIACT IMMEDIATE left overdue and escalated, a draft
waiting for clearance, a recalled cable, an UNCLASSIFIED circular to many
missions. Release authority is granted to the demo users who lead units, and
each staffed mission gets a duty roster. Each demo cable carries a fixed
submission key, so re-running creates nothing new.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TextIO

from django.utils import timezone

from sifara.cables import services
from sifara.cables.models import Cable, Caption, Precedence, ReleaseAuthority
from sifara.core.models import Classification
from sifara.directory.models import Membership, Unit, User

_NS = uuid.UUID("6d1b7c1e-2f45-4b53-9a4e-5a1c0cab1e50")

U, R, C, S = (
    Classification.UNCLASSIFIED,
    Classification.RESTRICTED,
    Classification.CONFIDENTIAL,
    Classification.SECRET,
)

#: username -> [(unit code, up to)]
RELEASE_AUTHORITY: dict[str, list[tuple[str, int]]] = {
    "desk.asia": [("hq-asia", C)],
    "legal.hq": [("hq-legal", C)],
    "digital.hq": [("hq-digital", R)],
    "consular.dubai": [("cg-dubai", R)],
    "delegate.bonn": [("del-climate-bonn", C), ("hq-minister", C)],
}

#: unit code -> duty officers in order
ROSTERS: dict[str, list[str]] = {
    "emb-london": ["diplomat.london", "hom.london"],
    "emb-tokyo": ["hom.tokyo"],
    "cg-dubai": ["consular.dubai"],
    "del-climate-bonn": ["delegate.bonn"],
    "hq-asia": ["desk.asia"],
}


def _key(name: str) -> uuid.UUID:
    return uuid.uuid5(_NS, name)


def _units(codes: list[str]) -> list[Unit]:
    found = {u.code: u for u in Unit.objects.filter(code__in=codes, is_active=True)}
    return [found[c] for c in codes if c in found]


def _fields(
    subject: str,
    paragraphs: list[tuple[int, str]],
    *,
    level: int,
    precedence: int,
    tags: list[str],
    action: list[str],
    info: list[str] | None = None,
    captions: list[str] | None = None,
    references: list[Cable] | None = None,
) -> services.DraftFields:
    return services.DraftFields(
        subject=subject,
        paragraphs=[{"mark": m, "text": t} for m, t in paragraphs],
        classification=level,
        precedence=precedence,
        tags=tags,
        captions=captions or [],
        action_units=_units(action),
        info_units=_units(info or []),
        references=references or [],
    )


def _cable(
    name: str,
    *,
    drafter: User,
    unit: Unit,
    fields: services.DraftFields,
    releaser: User | None,
    hours_ago: float,
    reply_to: Cable | None = None,
    clearer: User | None = None,
) -> Cable:
    key = _key(name)
    existing = Cable.objects.filter(drafter=drafter, submission_key=key).first()
    if existing is not None:
        return existing
    cable = services.cable_draft_create(
        actor=drafter,
        drafting_unit=unit,
        fields=fields,
        in_reply_to=reply_to,
        submission_key=key,
    )
    moment = timezone.now() - timedelta(hours=hours_ago)
    if clearer is not None:
        services.clearance_request(actor=drafter, cable_id=cable.pk, clearers=[clearer])
        if releaser is not None:
            services.cable_clear(actor=clearer, cable_id=cable.pk, now=moment)
    if releaser is not None:
        cable = services.cable_release(actor=releaser, cable_id=cable.pk, now=moment)
        services.deliveries_notify_released(cable_id=cable.pk, now=moment)
    return cable


def _grant_authorities(people: dict[str, User], units: dict[str, Unit]) -> None:
    for username, grants in RELEASE_AUTHORITY.items():
        user = people.get(username)
        for code, level in grants:
            unit = units.get(code)
            if user is None or unit is None:
                continue
            if not Membership.objects.filter(user=user, unit=unit).exists():
                continue
            if ReleaseAuthority.objects.filter(
                user=user, unit=unit, max_classification=level
            ).exists():
                continue
            services.release_authority_grant(
                actor=None, actor_label="demo", user=user, unit=unit, max_classification=level
            )


def _rosters(people: dict[str, User], units: dict[str, Unit]) -> None:
    from sifara.cables.models import DutyOfficer

    for code, usernames in ROSTERS.items():
        unit = units.get(code)
        users = [people[u] for u in usernames if u in people]
        if unit is None or not users:
            continue
        current = list(
            DutyOfficer.objects.filter(unit=unit)
            .order_by("position")
            .values_list("user_id", flat=True)
        )
        if current == [u.pk for u in users]:
            continue
        services.duty_roster_set(actor=None, actor_label="demo", unit=unit, users=users)


def load_demo(*, out: TextIO) -> None:
    """Load the demo content of this module."""
    people = {u.username: u for u in User.objects.filter(username__in=_usernames())}
    units = {u.code: u for u in Unit.objects.all()}
    needed = {"desk.asia", "hom.london", "diplomat.london", "hom.tokyo", "delegate.bonn"}
    if not needed <= set(people) or "hq-asia" not in units:
        out.write("Cables: demo people or units missing; skipped.\n")
        return
    _grant_authorities(people, units)
    _rosters(people, units)
    before = Cable.objects.count()
    _traffic(people, units)
    created = Cable.objects.count() - before
    out.write(f"Cables: {created} demo cables created ({Cable.objects.count()} in all).\n")


def _usernames() -> list[str]:
    return [
        "desk.asia",
        "legal.hq",
        "digital.hq",
        "consular.dubai",
        "delegate.bonn",
        "hom.london",
        "diplomat.london",
        "hom.tokyo",
    ]


def _traffic(people: dict[str, User], units: dict[str, Unit]) -> None:
    desk, hom_london, dip_london = (
        people["desk.asia"],
        people["hom.london"],
        people["diplomat.london"],
    )
    hom_tokyo, delegate = people["hom.tokyo"], people["delegate.bonn"]
    legal, digital, consular = (
        people.get("legal.hq"),
        people.get("digital.hq"),
        people.get("consular.dubai"),
    )
    now = timezone.now()

    # 1. Instruction (Arabic) from the Asia desk to Tokyo (action) and London (info).
    instruction = _cable(
        "instruction-joint-committee",
        drafter=desk,
        unit=units["hq-asia"],
        releaser=desk,
        hours_ago=72,
        clearer=legal,
        fields=_fields(
            "التحضير لاجتماع اللجنة المشتركة مع اليابان",
            [
                (
                    R,
                    "يرجى من السفارة التنسيق مع وزارة الخارجية اليابانية لتحديد موعد انعقاد الدورة الخامسة للجنة المشتركة خلال الربع الأول من العام المقبل.",
                ),
                (
                    C,
                    "تود الوزارة أن يتضمن جدول الأعمال بند <b>التعاون في مجال الطاقة المتجددة</b>، مع تجنب إدراج ملف الاستثمارات البحرية في هذه المرحلة.",
                ),
                (U, "يرجى موافاتنا بتقرير عن نتائج الاتصالات في أقرب وقت."),
            ],
            level=C,
            precedence=Precedence.IMMEDIATE,
            tags=["PREL", "ECON", "JP"],
            action=["emb-tokyo"],
            info=["emb-london"],
        ),
    )
    # 2. Tokyo replies with a report (English) that references the instruction.
    if instruction.reference:
        _cable(
            "report-joint-committee",
            drafter=hom_tokyo,
            unit=units["emb-tokyo"],
            releaser=hom_tokyo,
            hours_ago=30,
            reply_to=instruction,
            fields=_fields(
                "Re: Joint Committee preparations — Japanese response",
                [
                    (
                        R,
                        "The Embassy met the Director-General for the Middle East at the Gaimusho on Tuesday. Japan proposes to hold the fifth session in Tokyo in the second half of February.",
                    ),
                    (
                        C,
                        "Our counterparts welcomed the renewable-energy item and did not raise the maritime investment file.",
                    ),
                    (U, "A draft agenda will follow by diplomatic bag."),
                ],
                level=C,
                precedence=Precedence.ROUTINE,
                tags=["PREL", "ECON", "JP"],
                action=["hq-asia"],
                info=["emb-london"],
                references=[instruction],
            ),
        )
    # 3. FLASH to Tokyo, acknowledged within minutes.
    flash = _cable(
        "flash-earthquake",
        drafter=desk,
        unit=units["hq-asia"],
        releaser=desk,
        hours_ago=20,
        fields=_fields(
            "زلزال في منطقة كانتو: حصر أوضاع المواطنين فوراً",
            [
                (
                    R,
                    "أفادت التقارير بوقوع زلزال بقوة 7.1 درجات. يرجى تفعيل خطة الطوارئ القنصلية فوراً وحصر أوضاع المواطنين المسجلين في منطقة كانتو.",
                ),
                (R, "يرجى الإفادة بأول حصيلة خلال ساعتين، وتحديثها كل ست ساعات."),
            ],
            level=R,
            precedence=Precedence.FLASH,
            tags=["CASC", "CONS", "JP"],
            action=["emb-tokyo"],
        ),
    )
    if flash.released_at and not flash.deliveries.filter(acknowledged_at__isnull=False).exists():
        services.cable_acknowledge(
            actor=hom_tokyo, cable_id=flash.pk, now=flash.released_at + timedelta(minutes=4)
        )
    # 4. London reports to the Asia desk (English, IMMEDIATE, CONFIDENTIAL).
    _cable(
        "london-report-asia-forum",
        drafter=dip_london,
        unit=units["emb-london"],
        releaser=hom_london,
        hours_ago=50,
        fields=_fields(
            "UK views on the Indo-Pacific trade forum",
            [
                (
                    C,
                    "The Foreign Office told us in confidence that the UK will not seek observer status at the forum this year.",
                ),
                (
                    R,
                    "Officials expect the forum's secretariat to circulate a revised concept note in January.",
                ),
            ],
            level=C,
            precedence=Precedence.IMMEDIATE,
            tags=["ETRD", "PREL", "GB"],
            action=["hq-asia"],
            info=["emb-tokyo"],
        ),
    )
    # 5. NIACT IMMEDIATE, SECRET, addressee only: not acknowledged, escalated.
    niact = _cable(
        "niact-secret-visit",
        drafter=hom_london,
        unit=units["emb-london"],
        releaser=hom_london,
        hours_ago=3,
        fields=_fields(
            "زيارة غير معلنة: طلب توجيهات عاجلة",
            [
                (
                    S,
                    "أبلغنا الجانب البريطاني بصفة شخصية بطلب عقد لقاء غير معلن مع مبعوث الوزير خلال ثمان وأربعين ساعة.",
                ),
                (C, "نرجو التوجيه بشأن قبول اللقاء ومستوى التمثيل قبل صباح الغد بتوقيت لندن."),
            ],
            level=S,
            precedence=Precedence.NIACT_IMMEDIATE,
            tags=["PREL", "GB"],
            action=["emb-tokyo"],
            captions=[Caption.ADDRESSEE_ONLY],
        ),
    )
    if niact.released_at and not niact.deliveries.filter(escalated_at__isnull=False).exists():
        from django.test.utils import override_settings

        # The demo escalates quietly: no e-mail to the fictional duty officers.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            services.cables_escalate(now=niact.released_at + timedelta(minutes=40))
    # 6. Instructions from the Minister's office to the delegation during a session.
    _cable(
        "bonn-instructions",
        drafter=delegate,
        unit=units["hq-minister"],
        releaser=delegate,
        hours_ago=1,
        fields=_fields(
            "تعليمات للوفد: بند تمويل التكيف",
            [
                (
                    C,
                    "يُفوَّض الوفد بقبول الصياغة التوافقية للفقرة 14 شريطة الإبقاء على الإشارة إلى مبدأ المسؤوليات المشتركة والمتباينة.",
                ),
                (R, "في حال إعادة فتح الفقرة 9، يطلب الوفد تعليق الجلسة للتشاور."),
            ],
            level=C,
            precedence=Precedence.IMMEDIATE,
            tags=["SENV", "PREL", "DE"],
            action=["del-climate-bonn"],
        ),
    )
    # 7. UNCLASSIFIED circular to many missions (English), ROUTINE.
    if digital is not None and "hq-digital" in units:
        missions = list(
            Unit.objects.filter(is_active=True, kind__in=["embassy", "permanent_mission"])
            .order_by("code")
            .values_list("code", flat=True)[:40]
        )
        _cable(
            "circular-digital-campaign",
            drafter=digital,
            unit=units["hq-digital"],
            releaser=digital,
            hours_ago=96,
            fields=_fields(
                "National Day digital campaign: guidance for missions",
                [
                    (
                        U,
                        "Missions are asked to publish the National Day video on their official accounts on 2 December at 10:00 local time.",
                    ),
                    (
                        U,
                        "Please use the hashtag agreed with the Digital Diplomacy Department and report engagement figures within a week.",
                    ),
                ],
                level=U,
                precedence=Precedence.ROUTINE,
                tags=["KPAO"],
                action=missions,
            ),
        )
    # 8. Consular report from Dubai (RESTRICTED, ROUTINE).
    if consular is not None and "cg-dubai" in units and "hq-consular" in units:
        _cable(
            "dubai-consular-report",
            drafter=consular,
            unit=units["cg-dubai"],
            releaser=consular,
            hours_ago=26,
            fields=_fields(
                "تقرير شهري عن الخدمات القنصلية",
                [
                    (
                        R,
                        "أصدرت القنصلية العامة خلال الشهر 412 جواز سفر و96 وثيقة سفر طارئة، وتابعت 7 حالات احتجاز.",
                    ),
                    (U, "تقترح القنصلية تمديد ساعات العمل يوم السبت خلال موسم العطلات."),
                ],
                level=R,
                precedence=Precedence.ROUTINE,
                tags=["CONS", "CASC", "AE"],
                action=["hq-consular"],
            ),
        )
    # 9. A draft waiting for the Legal Department's clearance.
    if legal is not None:
        _cable(
            "draft-mou-review",
            drafter=desk,
            unit=units["hq-asia"],
            releaser=None,
            hours_ago=0,
            clearer=legal,
            fields=_fields(
                "مذكرة تفاهم للتعاون الأكاديمي: ملاحظات قانونية",
                [
                    (
                        R,
                        "مرفق مشروع مذكرة التفاهم بعد إدخال ملاحظات الإدارة القانونية. يرجى من السفارة عرضه على الجانب الياباني.",
                    )
                ],
                level=R,
                precedence=Precedence.ROUTINE,
                tags=["KJUS", "JP"],
                action=["emb-tokyo"],
            ),
        )
    # 10. A cable released by mistake and recalled.
    recalled = _cable(
        "recalled-wrong-date",
        drafter=desk,
        unit=units["hq-asia"],
        releaser=desk,
        hours_ago=10,
        fields=_fields(
            "Schedule of the Asia heads of mission meeting",
            [
                (
                    R,
                    "The regional meeting of heads of mission will take place on 14 January in Riyadh.",
                )
            ],
            level=R,
            precedence=Precedence.ROUTINE,
            tags=["AMGT"],
            action=["emb-tokyo", "emb-london"],
        ),
    )
    if recalled.status == "released":
        services.cable_recall(actor=desk, cable_id=recalled.pk, now=now - timedelta(hours=9))
