"""Checklist templates: what a room starts with, phase by phase
(triage → respond → recover → review). Bilingual text is data here, not
interface strings, because the checklist is stored with the room and printed in
its situation log."""

from __future__ import annotations

from sifara.rooms.models import Phase, RoomKind

#: (phase, English, Arabic) in order.
Item = tuple[str, str, str]

COMMON: list[Item] = [
    (
        Phase.TRIAGE,
        "Confirm the facts with the mission on the ground",
        "التحقق من الوقائع مع البعثة الميدانية",
    ),
    (Phase.TRIAGE, "Name the room's lead and deputy", "تسمية قائد الغرفة ونائبه"),
    (
        Phase.TRIAGE,
        "Set the classification ceiling and the guest list",
        "تحديد سقف التصنيف وقائمة الضيوف",
    ),
    (
        Phase.RESPOND,
        "Agree the press line with the spokesperson",
        "الاتفاق على الخط الإعلامي مع المتحدث الرسمي",
    ),
    (Phase.RESPOND, "Brief the Minister's office", "إحاطة مكتب الوزير"),
    (
        Phase.RECOVER,
        "Stand down extra staff and shifts",
        "إنهاء تكليف الموظفين والمناوبات الإضافية",
    ),
    (Phase.REVIEW, "Hold the lessons-learned meeting", "عقد اجتماع الدروس المستفادة"),
    (Phase.REVIEW, "Close the room and file the situation log", "إغلاق الغرفة وحفظ سجل الموقف"),
]

SPECIFIC: dict[str, list[Item]] = {
    RoomKind.EVACUATION: [
        (
            Phase.TRIAGE,
            "Count registered nationals in the affected area",
            "حصر المواطنين المسجلين في المنطقة المتضررة",
        ),
        (Phase.RESPOND, "Open the consular hotline", "تفعيل الخط الساخن القنصلي"),
        (
            Phase.RESPOND,
            "Secure transport and landing permissions",
            "تأمين وسائل النقل وتصاريح الهبوط",
        ),
        (
            Phase.RECOVER,
            "Reconcile the list of evacuees with arrivals",
            "مطابقة قوائم الذين جرى إجلاؤهم مع الواصلين",
        ),
    ],
    RoomKind.HOSTAGE: [
        (Phase.TRIAGE, "Inform and support the family", "إبلاغ الأسرة ودعمها"),
        (
            Phase.RESPOND,
            "Agree one channel of contact with the host authorities",
            "الاتفاق على قناة اتصال واحدة مع سلطات البلد المضيف",
        ),
        (
            Phase.RECOVER,
            "Arrange medical and consular care on release",
            "ترتيب الرعاية الطبية والقنصلية عند الإفراج",
        ),
    ],
    RoomKind.SUMMIT: [
        (
            Phase.TRIAGE,
            "Confirm the delegation list and accreditation",
            "تأكيد قائمة الوفد واعتماده",
        ),
        (
            Phase.RESPOND,
            "Circulate the daily programme and talking points",
            "تعميم البرنامج اليومي ونقاط الحديث",
        ),
        (Phase.RECOVER, "Send thank-you notes to the hosts", "إرسال رسائل الشكر إلى المضيفين"),
    ],
    RoomKind.DISASTER: [
        (
            Phase.TRIAGE,
            "Account for mission staff and their families",
            "الاطمئنان على موظفي البعثة وأسرهم",
        ),
        (
            Phase.RESPOND,
            "Coordinate relief offers with partner ministries",
            "تنسيق عروض الإغاثة مع الوزارات الشريكة",
        ),
    ],
}

PHASE_ORDER = [Phase.TRIAGE, Phase.RESPOND, Phase.RECOVER, Phase.REVIEW]


def checklist_template(kind: str) -> list[Item]:
    """The checklist for a room of ``kind``, ordered by phase."""
    items = COMMON + SPECIFIC.get(kind, [])
    return sorted(items, key=lambda item: PHASE_ORDER.index(Phase(item[0])))
